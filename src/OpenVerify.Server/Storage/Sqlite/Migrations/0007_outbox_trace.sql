-- The W3C traceparent of the request whose unit of work wrote the message (null when traces are not
-- recorded): the delivery's span links to it, so a trace shows which request caused a push or webhook.
ALTER TABLE outbox ADD COLUMN trace_parent TEXT NULL;
