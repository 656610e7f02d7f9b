-- Throttle rows become per client address (0015): the old per-e-mail counts are dropped, so the
-- columns added next can be NOT NULL. Nothing else depends on them; counting simply starts over.
DELETE FROM "sign_in_throttle";
