-- Head office hands each enrolled device its customer-code/quote-number tag (issue 6), chosen
-- unlike every tag already issued or used, so codes made offline never clash.
ALTER TABLE sync_enrollments ADD COLUMN device_tag TEXT;
