//! Ids and timestamps shared by every table.

use chrono::{DateTime, SecondsFormat, Utc};

/// A new row id: a UUIDv7 generated on this device. Time-ordered, and random enough that two
/// laptops never produce the same id without talking to each other.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// UTC timestamp as stored: RFC 3339 with milliseconds and `Z`, so text order is time order.
pub fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Characters, not bytes: the length users think in.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}

/// Trim and turn an empty string into `None`.
pub fn clean(s: &Option<String>) -> Option<String> {
    s.as_ref().map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}
