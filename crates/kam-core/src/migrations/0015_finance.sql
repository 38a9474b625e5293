-- Finance records a clerk can import again and correct (issue 12).
--
-- `doc_no` is the source document number (单据号: the ERP's order, invoice or receipt number).
-- An import is keyed by it, so importing the same month again changes nothing and a corrected
-- file updates the record instead of adding a second one. The core keeps it unique among live
-- rows of a table (not an index: a tombstone and its replacement may travel in either order).
--
-- A voided record (作废) stays, with who voided it, when and why, and is left out of every sum;
-- unlike a tombstone it is still listed. `paid_on` is the date a receivable was last paid.
ALTER TABLE sales ADD COLUMN doc_no TEXT;
ALTER TABLE sales ADD COLUMN voided_at TEXT;
ALTER TABLE sales ADD COLUMN voided_by TEXT;
ALTER TABLE sales ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX sales_doc_no ON sales(doc_no) WHERE doc_no IS NOT NULL;

ALTER TABLE collections ADD COLUMN doc_no TEXT;
ALTER TABLE collections ADD COLUMN voided_at TEXT;
ALTER TABLE collections ADD COLUMN voided_by TEXT;
ALTER TABLE collections ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX collections_doc_no ON collections(doc_no) WHERE doc_no IS NOT NULL;

ALTER TABLE receivables ADD COLUMN doc_no TEXT;
ALTER TABLE receivables ADD COLUMN voided_at TEXT;
ALTER TABLE receivables ADD COLUMN voided_by TEXT;
ALTER TABLE receivables ADD COLUMN void_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE receivables ADD COLUMN paid_on TEXT;
CREATE INDEX receivables_doc_no ON receivables(doc_no) WHERE doc_no IS NOT NULL;

-- Each customer's last purchase (dormant suggestions on Today and in the dossier): live, unvoided
-- sales only, so max(sold_on) per customer is read from the index alone.
CREATE INDEX sales_last_purchase ON sales(customer_id, sold_on)
    WHERE kind = 'sale' AND deleted_at IS NULL AND voided_at IS NULL;
