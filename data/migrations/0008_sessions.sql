-- Server-side sign-in sessions. Sign-in creates a row that every run of the app checks, so
-- signing out, an idle time-out or an absolute time-out ends the session for good, whatever
-- a browser kept (Streamlit's own auth cookie is stateless). The browser session holds a
-- random token; only its SHA-256 is stored here.
CREATE TABLE user_session (
    session_id   VARCHAR PRIMARY KEY,          -- sha256 hex of the token
    subject      VARCHAR NOT NULL,             -- local username, or the identity provider's subject
    display_name VARCHAR NOT NULL,
    roles        VARCHAR[] NOT NULL,
    auth_mode    VARCHAR NOT NULL CHECK (auth_mode IN ('local', 'oidc', 'demo')),
    idp_key      VARCHAR,                      -- OIDC: sha256 of issuer, subject and issue time
    started_at   TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    ended_at     TIMESTAMP,
    end_reason   VARCHAR CHECK (end_reason IS NULL OR end_reason IN (
        'signed_out', 'idle', 'expired', 'revoked'))
);
CREATE INDEX user_session_idp ON user_session (idp_key);
