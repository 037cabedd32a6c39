-- The per-webhook Standard Webhooks signing secret (whsec_…), shown once when the webhook is created.
-- Null for webhooks created before it existed: those get only X-Twilio-Signature.
ALTER TABLE webhooks ADD COLUMN secret TEXT NULL;
