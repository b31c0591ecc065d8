// The alert deliveries' health as JSON, the same object in `bridge
// sync-status --json` and the dashboard's /api/health ("alertDeliveries"):
//
//   {"pending":1,"failing":1,"givenUp":0,"delivered":3,
//    "nextAttemptAt":"2026-12-08T15:05:05.250Z",
//    "lastError":{"channel":"webhook","alert":"threshold:daily:...:80",
//                 "error":"webhook https://hooks.slack.com/[redacted] answered HTTP 500"}}
//
// `failing` counts the pending deliveries that failed at least once;
// `nextAttemptAt` and `lastError` are null when there is none. The error
// is as stored: redacted, never a secret.
#pragma once

#include "alert/alert_queue.h"
#include "core/json_writer.h"

namespace cc {

void AlertHealthJson(JsonWriter& w, const AlertDeliveryHealth& h);

}  // namespace cc
