#include "alert/alert_health_json.h"

#include "core/civil_time.h"

namespace cc {

void AlertHealthJson(JsonWriter& w, const AlertDeliveryHealth& h) {
  w.BeginObject()
      .Field("pending", h.pending)
      .Field("failing", h.failing)
      .Field("givenUp", h.given_up)
      .Field("delivered", h.delivered);
  w.Key("nextAttemptAt");
  if (h.next_attempt_ms) {
    w.String(FormatIsoTimestampMs(*h.next_attempt_ms));
  } else {
    w.Null();
  }
  w.Key("lastError");
  if (h.last_error.empty()) {
    w.Null();
  } else {
    w.BeginObject()
        .Field("channel", h.last_error_channel)
        .Field("alert", h.last_error_alert)
        .Field("error", h.last_error)
        .EndObject();
  }
  w.EndObject();
}

}  // namespace cc
