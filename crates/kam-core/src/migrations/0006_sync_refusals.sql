-- Rows head office refused from a field device's file (issue 6). They are listed in head
-- office's import report and travel back in the device's next return file, so the person who
-- made the change learns it was not accepted and why. seq: head office's change sequence when
-- recorded (a return file carries those above what the device has acknowledged).
CREATE TABLE sync_refusals (
    id           TEXT PRIMARY KEY,
    peer_device  TEXT NOT NULL,
    tbl          TEXT NOT NULL,
    row_id       TEXT NOT NULL,
    label        TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL,
    reason_en    TEXT NOT NULL,
    at           TEXT NOT NULL,
    seq          INTEGER NOT NULL
);
CREATE INDEX sync_refusals_peer ON sync_refusals(peer_device, seq);
