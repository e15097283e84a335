-- Accounts hold a balance that never goes below zero.
CREATE TABLE accounts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email      text          NOT NULL UNIQUE,
    balance    numeric(12,2) NOT NULL DEFAULT 0 CHECK (balance >= 0),
    created_at timestamptz   NOT NULL DEFAULT now()
);
