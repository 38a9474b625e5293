-- A customer reassigned away from a field device's person is withdrawn from that device by head
-- office's next return file (issue 11): the laptop deletes the customer and every row hanging
-- off it, with its local change capture and change history; head office keeps the history.
-- sync_state.applying = 3 while it does so: only then do the append-only guards below stand aside.
DROP TRIGGER quote_approvals_no_delete;
CREATE TRIGGER quote_approvals_no_delete BEFORE DELETE ON quote_approvals
WHEN (SELECT applying FROM sync_state) <> 3
BEGIN
    SELECT RAISE(ABORT, 'approvals are append-only and cannot be deleted');
END;
DROP TRIGGER complaint_actions_never_deleted;
CREATE TRIGGER complaint_actions_never_deleted BEFORE DELETE ON complaint_actions
WHEN (SELECT applying FROM sync_state) <> 3
BEGIN
    SELECT RAISE(ABORT, 'complaint handling records are append-only');
END;
DROP TRIGGER change_history_no_delete;
CREATE TRIGGER change_history_no_delete BEFORE DELETE ON change_history
WHEN (SELECT applying FROM sync_state) <> 3
BEGIN SELECT RAISE(ABORT, 'change history is append-only'); END;

-- Local, on a field device: customers head office withdrew while this device still had changes
-- to them that head office had not confirmed receiving. They are hidden already (the customer
-- row names its new owner) and go once head office confirms, so no change is lost on the way.
CREATE TABLE sync_withdrawals (
    customer_id  TEXT PRIMARY KEY,
    since        TEXT NOT NULL
);

-- Search and lists for someone who sees only some customers (a rep: their own; a manager: their
-- department's; a liaison executive: the strategic customers they are liaison for): their
-- customers, and a name prefix among them, from an index.
CREATE INDEX customers_owner_name ON customers(owner_id, name) WHERE deleted_at IS NULL;
CREATE INDEX customers_liaison_name ON customers(liaison_id, name) WHERE deleted_at IS NULL;
