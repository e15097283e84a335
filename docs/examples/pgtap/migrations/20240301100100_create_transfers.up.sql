-- Money moved from one account to another; an account's transfers are looked up by sender.
CREATE TABLE transfers (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    from_account bigint        NOT NULL REFERENCES accounts (id),
    to_account   bigint        NOT NULL REFERENCES accounts (id),
    amount       numeric(12,2) NOT NULL CHECK (amount > 0),
    created_at   timestamptz   NOT NULL DEFAULT now(),
    CHECK (from_account <> to_account)
);

CREATE INDEX transfers_from_account_idx ON transfers (from_account);
