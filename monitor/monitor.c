/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Events leave through the monitor: QEMU's rate limits, then QMP clients. */

#include <string.h>

#include "monitor/qmp.h"
#include "qapi/qmp-event.h"
#include "system/accel.h"
#include "util/timer.h"

/*
 * QEMU limits the events a guest can trigger to one per second; instances
 * told apart by @key (a data member) are limited separately.  The first
 * goes out at once, later ones within the interval are held back and only
 * the latest is sent when it ends, which starts the next interval.
 */
typedef struct {
    const char *event;
    guint rate_ms;
    const char *key;
} EventConf;

static EventConf event_conf[] = {
    { "MEMORY_DEVICE_SIZE_CHANGE", 1000, "qom-path" },
};

typedef struct {
    char *key;                  /* the event and its instance */
    char *event;
    guint rate_ms;
    JsonObject *pending;        /* the latest event held back, or NULL */
    QmemTimer *timer;
} EventState;

static GHashTable *event_states;        /* key -> EventState */

static EventConf *event_conf_find(const char *event)
{
    for (gsize i = 0; i < G_N_ELEMENTS(event_conf); i++) {
        if (!strcmp(event_conf[i].event, event)) {
            return &event_conf[i];
        }
    }
    return NULL;
}

static void event_state_free(gpointer p)
{
    EventState *state = p;

    qmem_timer_free(state->timer);
    g_clear_pointer(&state->pending, json_object_unref);
    g_free(state->event);
    g_free(state->key);
    g_free(state);
}

/* QEMU's monitor_get_event_clock(): tests step time under qtest. */
static QmemClockType event_clock(void)
{
    return qmem_qtest_enabled() ? QMEM_CLOCK_VIRTUAL : QMEM_CLOCK_REALTIME;
}

static void event_interval_over(gpointer opaque)
{
    EventState *state = opaque;

    if (state->pending) {
        g_autoptr(JsonObject) data = g_steal_pointer(&state->pending);

        /* The next interval starts now. */
        qmem_qmp_emit_event(state->event, data);
        qmem_timer_mod(state->timer,
                       qmem_clock_get_ns(event_clock()) +
                       state->rate_ms * G_GINT64_CONSTANT(1000000));
        return;
    }
    /* A quiet interval: the next event goes out at once again. */
    g_hash_table_remove(event_states, state->key);
}

static char *event_key(const EventConf *conf, JsonObject *data)
{
    const char *instance = conf->key && data &&
        json_object_has_member(data, conf->key) ?
        json_object_get_string_member(data, conf->key) : "";

    return g_strconcat(conf->event, "/", instance, NULL);
}

void qmem_qapi_event_emit(const char *event, JsonObject *data)
{
    EventConf *conf = event_conf_find(event);
    g_autofree char *key = NULL;
    EventState *state;

    if (!conf || !conf->rate_ms) {
        qmem_qmp_emit_event(event, data);
        return;
    }
    if (!event_states) {
        event_states = g_hash_table_new_full(g_str_hash, g_str_equal, NULL,
                                             event_state_free);
    }
    key = event_key(conf, data);
    state = g_hash_table_lookup(event_states, key);
    if (state) {
        /* The latest wins. */
        g_clear_pointer(&state->pending, json_object_unref);
        state->pending = data ? json_object_ref(data) : json_object_new();
        return;
    }
    qmem_qmp_emit_event(event, data);

    state = g_new0(EventState, 1);
    state->key = g_steal_pointer(&key);
    state->event = g_strdup(event);
    state->rate_ms = conf->rate_ms;
    state->timer = qmem_timer_new(event_clock(), event_interval_over, state);
    qmem_timer_mod(state->timer, qmem_clock_get_ns(event_clock()) +
                   conf->rate_ms * G_GINT64_CONSTANT(1000000));
    g_hash_table_insert(event_states, state->key, state);
}

void qmem_monitor_set_event_rate(const char *event, guint rate_ms)
{
    EventConf *conf = event_conf_find(event);

    g_return_if_fail(conf != NULL);
    conf->rate_ms = rate_ms;
}

void qmem_monitor_reset_events(void)
{
    g_clear_pointer(&event_states, g_hash_table_unref);
}
