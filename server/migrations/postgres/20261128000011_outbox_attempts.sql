-- Every delivery attempt of an application mail, as the Delivery log's details show it: when,
-- through which settings, and what came of it with the server's reply or the error. Numbered
-- as the outbox counts attempts; written in the same transaction as the attempt's outcome.
create table outbox_attempts (
    mail_id bigint not null references outbox (id) on delete cascade,
    number bigint not null,
    at bigint not null,
    settings_name text not null,
    outcome text not null check (outcome in ('sent', 'retry', 'failed')),
    reply text not null,
    primary key (mail_id, number)
);

-- The Delivery log narrows by status and by when mail was queued.
create index outbox_created on outbox (created_at);
