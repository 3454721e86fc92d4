// The schema, as versioned migration steps. Never edit a step that has shipped:
// add a new one, and append its digest to shipped_migrations.h in the same
// change (shipped_migrations_test.cc prints it). Write each table in both
// dialects alike: schema_parity_test.cc compares what they create. Times are
// stored as microseconds since the Unix epoch (UTC) so that both backends
// compare and index them the same way.
#include "services/storage/migrations.h"

namespace satisfaction::storage {
namespace {

// Fills response_day_rollups from response_rollups (also how a rebuild
// derives it; see analytics::RebuildAggregates).
constexpr const char* kFillDayRollups =
    "INSERT INTO response_day_rollups (questionnaire_id, questionnaire_version, day, customer_type, item_code,"
    " responses, scored_1, scored_2, scored_3, scored_4, scored_5) SELECT questionnaire_id, questionnaire_version,"
    " day, customer_type, item_code, SUM(CASE WHEN item_code = '' THEN answers ELSE 0 END),"
    " SUM(CASE WHEN score = 1 THEN answers ELSE 0 END), SUM(CASE WHEN score = 2 THEN answers ELSE 0 END),"
    " SUM(CASE WHEN score = 3 THEN answers ELSE 0 END), SUM(CASE WHEN score = 4 THEN answers ELSE 0 END),"
    " SUM(CASE WHEN score = 5 THEN answers ELSE 0 END) FROM response_rollups GROUP BY questionnaire_id,"
    " questionnaire_version, day, customer_type, item_code";

// Fills response_channel_rollups from response_rollups, into slot 0 (also how
// a rebuild derives it; see analytics::RebuildAggregates).
constexpr const char* kFillChannelRollups =
    "INSERT INTO response_channel_rollups (questionnaire_id, questionnaire_version, day, channel, agent_id,"
    " item_code, slot, responses, scored_1, scored_2, scored_3, scored_4, scored_5) SELECT questionnaire_id,"
    " questionnaire_version, day, channel, agent_id, item_code, 0, SUM(CASE WHEN item_code = '' THEN answers ELSE 0"
    " END), SUM(CASE WHEN score = 1 THEN answers ELSE 0 END), SUM(CASE WHEN score = 2 THEN answers ELSE 0 END),"
    " SUM(CASE WHEN score = 3 THEN answers ELSE 0 END), SUM(CASE WHEN score = 4 THEN answers ELSE 0 END),"
    " SUM(CASE WHEN score = 5 THEN answers ELSE 0 END) FROM response_rollups GROUP BY questionnaire_id,"
    " questionnaire_version, day, channel, agent_id, item_code";

// Marks every revisit that reached its customer: an answer; a call picked up
// (completed 1, refused 5, call back later 7, do not call 8); a message
// delivered (1). Migration 24 fills the flag from this, as the writers set it
// from then on (revisits::FunnelCounts).
constexpr const char* kMarkReached =
    "UPDATE revisits SET reached = 1 WHERE reached = 0 AND (EXISTS (SELECT 1 FROM responses x WHERE x.revisit_id ="
    " revisits.id) OR EXISTS (SELECT 1 FROM call_attempts a WHERE a.revisit_id = revisits.id AND a.outcome IN (1, 5,"
    " 7, 8)) OR EXISTS (SELECT 1 FROM message_attempts m WHERE m.revisit_id = revisits.id AND m.outcome = 1))";

// Fills revisit_funnel_rollups from the survey revisits, into slot 0.
constexpr const char* kFillFunnelRollups =
    "INSERT INTO revisit_funnel_rollups (questionnaire_id, quarter_start_us, slot, planned, reached, responded)"
    " SELECT v.questionnaire_id, v.created_at_us - v.created_at_us % 900000000, 0, COUNT(*), SUM(v.reached),"
    " SUM(CASE WHEN x.id IS NULL THEN 0 ELSE 1 END) FROM revisits v LEFT JOIN responses x ON x.revisit_id = v.id"
    " WHERE v.survey = 1 GROUP BY v.questionnaire_id, v.created_at_us - v.created_at_us % 900000000";

const std::vector<Migration>& AllMigrations() {
  static const std::vector<Migration> migrations = {
      {
          .version = 1,
          .description = "questionnaires, their versions and items",
          .mysql_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS questionnaires (
                    id VARCHAR(63) NOT NULL PRIMARY KEY,
                    latest_version INT NOT NULL,
                    latest_published_version INT NOT NULL DEFAULT 0,
                    created_at_us BIGINT NOT NULL,
                    archived_at_us BIGINT NULL,
                    template_digest CHAR(64) NULL
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  R"sql(CREATE TABLE IF NOT EXISTS questionnaire_versions (
                    questionnaire_id VARCHAR(63) NOT NULL,
                    version INT NOT NULL,
                    state SMALLINT NOT NULL,
                    revision INT NOT NULL,
                    title_zh_cn VARCHAR(200) NOT NULL,
                    title_en VARCHAR(200) NOT NULL,
                    description_zh_cn TEXT NOT NULL,
                    description_en TEXT NOT NULL,
                    created_at_us BIGINT NOT NULL,
                    updated_at_us BIGINT NOT NULL,
                    published_at_us BIGINT NULL,
                    PRIMARY KEY (questionnaire_id, version),
                    CONSTRAINT fk_versions_questionnaire FOREIGN KEY (questionnaire_id)
                      REFERENCES questionnaires (id)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  R"sql(CREATE TABLE IF NOT EXISTS questionnaire_items (
                    questionnaire_id VARCHAR(63) NOT NULL,
                    version INT NOT NULL,
                    ordinal INT NOT NULL,
                    code VARCHAR(64) NOT NULL,
                    kind SMALLINT NOT NULL,
                    text_zh_cn TEXT NOT NULL,
                    text_en TEXT NOT NULL,
                    dimension SMALLINT NOT NULL,
                    weight DOUBLE NOT NULL,
                    required SMALLINT NOT NULL,
                    labels_json TEXT NOT NULL,
                    max_length INT NOT NULL,
                    PRIMARY KEY (questionnaire_id, version, ordinal),
                    UNIQUE KEY uq_items_code (questionnaire_id, version, code),
                    CONSTRAINT fk_items_version FOREIGN KEY (questionnaire_id, version)
                      REFERENCES questionnaire_versions (questionnaire_id, version)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
              },
          .sqlite_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS questionnaires (
                    id TEXT NOT NULL PRIMARY KEY,
                    latest_version INTEGER NOT NULL,
                    latest_published_version INTEGER NOT NULL DEFAULT 0,
                    created_at_us INTEGER NOT NULL,
                    archived_at_us INTEGER NULL,
                    template_digest TEXT NULL
                  ))sql",
                  R"sql(CREATE TABLE IF NOT EXISTS questionnaire_versions (
                    questionnaire_id TEXT NOT NULL REFERENCES questionnaires (id),
                    version INTEGER NOT NULL,
                    state INTEGER NOT NULL,
                    revision INTEGER NOT NULL,
                    title_zh_cn TEXT NOT NULL,
                    title_en TEXT NOT NULL,
                    description_zh_cn TEXT NOT NULL,
                    description_en TEXT NOT NULL,
                    created_at_us INTEGER NOT NULL,
                    updated_at_us INTEGER NOT NULL,
                    published_at_us INTEGER NULL,
                    PRIMARY KEY (questionnaire_id, version)
                  ))sql",
                  R"sql(CREATE TABLE IF NOT EXISTS questionnaire_items (
                    questionnaire_id TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    ordinal INTEGER NOT NULL,
                    code TEXT NOT NULL,
                    kind INTEGER NOT NULL,
                    text_zh_cn TEXT NOT NULL,
                    text_en TEXT NOT NULL,
                    dimension INTEGER NOT NULL,
                    weight REAL NOT NULL,
                    required INTEGER NOT NULL,
                    labels_json TEXT NOT NULL,
                    max_length INTEGER NOT NULL,
                    PRIMARY KEY (questionnaire_id, version, ordinal),
                    UNIQUE (questionnaire_id, version, code),
                    FOREIGN KEY (questionnaire_id, version)
                      REFERENCES questionnaire_versions (questionnaire_id, version)
                  ))sql",
              },
      },
      {
          .version = 2,
          .description = "customers and their tags",
          .mysql_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS customers (
                    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    external_id VARCHAR(128) NOT NULL,
                    name VARCHAR(100) NOT NULL,
                    phone VARCHAR(20) NOT NULL,
                    email VARCHAR(254) NOT NULL,
                    im_handle VARCHAR(128) NOT NULL,
                    time_zone VARCHAR(64) NOT NULL,
                    preferred_channel SMALLINT NOT NULL,
                    consent_mask SMALLINT NOT NULL,
                    opt_out_mask SMALLINT NOT NULL,
                    type_override SMALLINT NOT NULL,
                    computed_type SMALLINT NOT NULL,
                    effective_type SMALLINT NOT NULL,
                    rfm_recency SMALLINT NOT NULL,
                    rfm_frequency SMALLINT NOT NULL,
                    rfm_monetary SMALLINT NOT NULL,
                    order_count INT NOT NULL,
                    total_spent_minor BIGINT NOT NULL,
                    last_order_at_us BIGINT NULL,
                    type_changes_at_us BIGINT NULL,
                    serving_agent_id VARCHAR(64) NOT NULL,
                    created_at_us BIGINT NOT NULL,
                    updated_at_us BIGINT NOT NULL,
                    UNIQUE KEY uq_customers_external_id (external_id),
                    KEY ix_customers_type (effective_type, id),
                    KEY ix_customers_type_change (type_changes_at_us)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  R"sql(CREATE TABLE IF NOT EXISTS customer_tags (
                    customer_id BIGINT NOT NULL,
                    tag VARCHAR(32) NOT NULL,
                    PRIMARY KEY (customer_id, tag),
                    KEY ix_customer_tags_tag (tag, customer_id),
                    CONSTRAINT fk_customer_tags_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
              },
          .sqlite_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS customers (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    external_id TEXT NOT NULL UNIQUE,
                    name TEXT NOT NULL,
                    phone TEXT NOT NULL,
                    email TEXT NOT NULL,
                    im_handle TEXT NOT NULL,
                    time_zone TEXT NOT NULL,
                    preferred_channel INTEGER NOT NULL,
                    consent_mask INTEGER NOT NULL,
                    opt_out_mask INTEGER NOT NULL,
                    type_override INTEGER NOT NULL,
                    computed_type INTEGER NOT NULL,
                    effective_type INTEGER NOT NULL,
                    rfm_recency INTEGER NOT NULL,
                    rfm_frequency INTEGER NOT NULL,
                    rfm_monetary INTEGER NOT NULL,
                    order_count INTEGER NOT NULL,
                    total_spent_minor INTEGER NOT NULL,
                    last_order_at_us INTEGER NULL,
                    type_changes_at_us INTEGER NULL,
                    serving_agent_id TEXT NOT NULL,
                    created_at_us INTEGER NOT NULL,
                    updated_at_us INTEGER NOT NULL
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_customers_type ON customers (effective_type, id)",
                  "CREATE INDEX IF NOT EXISTS ix_customers_type_change ON customers (type_changes_at_us)",
                  R"sql(CREATE TABLE IF NOT EXISTS customer_tags (
                    customer_id INTEGER NOT NULL REFERENCES customers (id),
                    tag TEXT NOT NULL,
                    PRIMARY KEY (customer_id, tag)
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_customer_tags_tag ON customer_tags (tag, customer_id)",
              },
      },
      {
          .version = 3,
          .description = "orders",
          .mysql_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS orders (
                    order_id VARCHAR(128) NOT NULL PRIMARY KEY,
                    customer_id BIGINT NOT NULL,
                    amount_minor BIGINT NOT NULL,
                    ordered_at_us BIGINT NOT NULL,
                    status SMALLINT NOT NULL,
                    created_at_us BIGINT NOT NULL,
                    updated_at_us BIGINT NOT NULL,
                    KEY ix_orders_customer (customer_id, ordered_at_us),
                    CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
              },
          .sqlite_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS orders (
                    order_id TEXT NOT NULL PRIMARY KEY,
                    customer_id INTEGER NOT NULL REFERENCES customers (id),
                    amount_minor INTEGER NOT NULL,
                    ordered_at_us INTEGER NOT NULL,
                    status INTEGER NOT NULL,
                    created_at_us INTEGER NOT NULL,
                    updated_at_us INTEGER NOT NULL
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_orders_customer ON orders (customer_id, ordered_at_us)",
              },
      },
      {
          .version = 4,
          .description = "revisit rules, and named locks for writes that must not interleave",
          .mysql_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS named_locks (
                    name VARCHAR(64) NOT NULL PRIMARY KEY
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  "INSERT IGNORE INTO named_locks (name) VALUES ('revisit_rules')",
                  R"sql(CREATE TABLE IF NOT EXISTS revisit_rules (
                    id VARCHAR(63) NOT NULL PRIMARY KEY,
                    trigger_kind SMALLINT NOT NULL,
                    customer_type_mask INT NOT NULL,
                    enabled SMALLINT NOT NULL,
                    rule_json TEXT NOT NULL,
                    created_at_us BIGINT NOT NULL,
                    updated_at_us BIGINT NOT NULL,
                    KEY ix_revisit_rules_trigger (trigger_kind, enabled)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
              },
          .sqlite_statements =
              {
                  "CREATE TABLE IF NOT EXISTS named_locks (name TEXT NOT NULL PRIMARY KEY)",
                  "INSERT OR IGNORE INTO named_locks (name) VALUES ('revisit_rules')",
                  R"sql(CREATE TABLE IF NOT EXISTS revisit_rules (
                    id TEXT NOT NULL PRIMARY KEY,
                    trigger_kind INTEGER NOT NULL,
                    customer_type_mask INTEGER NOT NULL,
                    enabled INTEGER NOT NULL,
                    rule_json TEXT NOT NULL,
                    created_at_us INTEGER NOT NULL,
                    updated_at_us INTEGER NOT NULL
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_revisit_rules_trigger ON revisit_rules (trigger_kind, enabled)",
              },
      },
      {
          .version = 5,
          .description = "events and the revisits planned for them",
          .mysql_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS events (
                    event_id VARCHAR(128) NOT NULL PRIMARY KEY,
                    customer_id BIGINT NOT NULL,
                    trigger_kind SMALLINT NOT NULL,
                    occurred_at_us BIGINT NOT NULL,
                    order_id VARCHAR(128) NOT NULL,
                    case_id VARCHAR(128) NOT NULL,
                    serving_agent_id VARCHAR(64) NOT NULL,
                    created_at_us BIGINT NOT NULL,
                    CONSTRAINT fk_events_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  R"sql(CREATE TABLE IF NOT EXISTS revisits (
                    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    customer_id BIGINT NOT NULL,
                    event_id VARCHAR(128) NOT NULL,
                    rule_id VARCHAR(63) NOT NULL,
                    trigger_kind SMALLINT NOT NULL,
                    channel SMALLINT NOT NULL,
                    due_at_us BIGINT NOT NULL,
                    expires_at_us BIGINT NOT NULL,
                    questionnaire_id VARCHAR(63) NOT NULL,
                    survey SMALLINT NOT NULL,
                    priority INT NOT NULL,
                    max_attempts INT NOT NULL,
                    attempts INT NOT NULL,
                    reserved_agent_id VARCHAR(64) NOT NULL,
                    state SMALLINT NOT NULL,
                    created_at_us BIGINT NOT NULL,
                    updated_at_us BIGINT NOT NULL,
                    KEY ix_revisits_due (state, due_at_us),
                    KEY ix_revisits_customer (customer_id, due_at_us),
                    KEY ix_revisits_event (event_id),
                    CONSTRAINT fk_revisits_customer FOREIGN KEY (customer_id) REFERENCES customers (id)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
              },
          .sqlite_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS events (
                    event_id TEXT NOT NULL PRIMARY KEY,
                    customer_id INTEGER NOT NULL REFERENCES customers (id),
                    trigger_kind INTEGER NOT NULL,
                    occurred_at_us INTEGER NOT NULL,
                    order_id TEXT NOT NULL,
                    case_id TEXT NOT NULL,
                    serving_agent_id TEXT NOT NULL,
                    created_at_us INTEGER NOT NULL
                  ))sql",
                  R"sql(CREATE TABLE IF NOT EXISTS revisits (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    customer_id INTEGER NOT NULL REFERENCES customers (id),
                    event_id TEXT NOT NULL,
                    rule_id TEXT NOT NULL,
                    trigger_kind INTEGER NOT NULL,
                    channel INTEGER NOT NULL,
                    due_at_us INTEGER NOT NULL,
                    expires_at_us INTEGER NOT NULL,
                    questionnaire_id TEXT NOT NULL,
                    survey INTEGER NOT NULL,
                    priority INTEGER NOT NULL,
                    max_attempts INTEGER NOT NULL,
                    attempts INTEGER NOT NULL,
                    reserved_agent_id TEXT NOT NULL,
                    state INTEGER NOT NULL,
                    created_at_us INTEGER NOT NULL,
                    updated_at_us INTEGER NOT NULL
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_revisits_due ON revisits (state, due_at_us)",
                  "CREATE INDEX IF NOT EXISTS ix_revisits_customer ON revisits (customer_id, due_at_us)",
                  "CREATE INDEX IF NOT EXISTS ix_revisits_event ON revisits (event_id)",
              },
      },
      {
          .version = 6,
          .description = "find a customer's latest events of a kind (periodic care)",
          .mysql_statements = {"CREATE INDEX ix_events_customer ON events (customer_id, trigger_kind, occurred_at_us)"},
          .sqlite_statements = {"CREATE INDEX IF NOT EXISTS ix_events_customer ON events (customer_id, trigger_kind,"
                                " occurred_at_us)"},
      },
      {
          .version = 7,
          .description = "the shop-wide do-not-call list",
          .mysql_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS do_not_call (
                    phone VARCHAR(20) NOT NULL PRIMARY KEY,
                    reason VARCHAR(200) NOT NULL,
                    created_at_us BIGINT NOT NULL
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
              },
          .sqlite_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS do_not_call (
                    phone TEXT NOT NULL PRIMARY KEY,
                    reason TEXT NOT NULL,
                    created_at_us INTEGER NOT NULL
                  ))sql",
              },
      },
      {
          .version = 8,
          .description = "operator settings; customers remember which classification settings typed them",
          .mysql_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS settings (
                    name VARCHAR(63) NOT NULL PRIMARY KEY,
                    body MEDIUMTEXT NOT NULL,
                    version BIGINT NOT NULL,
                    updated_at_us BIGINT NOT NULL
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  "INSERT IGNORE INTO settings (name, body, version, updated_at_us) VALUES"
                  " ('contact_policy', '', 0, 0), ('classification', '', 0, 0)",
                  "ALTER TABLE customers ADD COLUMN IF NOT EXISTS classification_version BIGINT NOT NULL DEFAULT 0,"
                  " ADD KEY IF NOT EXISTS ix_customers_classification (classification_version)",
              },
          .sqlite_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS settings (
                    name TEXT NOT NULL PRIMARY KEY,
                    body TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    updated_at_us INTEGER NOT NULL
                  ))sql",
                  "INSERT OR IGNORE INTO settings (name, body, version, updated_at_us) VALUES"
                  " ('contact_policy', '', 0, 0), ('classification', '', 0, 0)",
                  "ALTER TABLE customers ADD COLUMN classification_version INTEGER NOT NULL DEFAULT 0",
                  "CREATE INDEX IF NOT EXISTS ix_customers_classification ON customers (classification_version)",
              },
      },
      {
          .version = 9,
          .description = "why a revisit is in its state",
          .mysql_statements = {"ALTER TABLE revisits ADD COLUMN IF NOT EXISTS state_reason VARCHAR(200) NOT NULL"
                               " DEFAULT ''"},
          .sqlite_statements = {"ALTER TABLE revisits ADD COLUMN state_reason TEXT NOT NULL DEFAULT ''"},
      },
      {
          .version = 10,
          .description = "each customer's last periodic care, so the care job reads only those due",
          .mysql_statements =
              {
                  "ALTER TABLE customers ADD COLUMN IF NOT EXISTS last_care_at_us BIGINT NOT NULL DEFAULT 0",
                  "UPDATE customers SET last_care_at_us = COALESCE((SELECT MAX(e.occurred_at_us) FROM events e"
                  " WHERE e.customer_id = customers.id AND e.trigger_kind = 4), 0)",
                  "ALTER TABLE customers ADD KEY IF NOT EXISTS ix_customers_care (effective_type, last_care_at_us)",
              },
          .sqlite_statements =
              {
                  "ALTER TABLE customers ADD COLUMN last_care_at_us INTEGER NOT NULL DEFAULT 0",
                  "UPDATE customers SET last_care_at_us = COALESCE((SELECT MAX(e.occurred_at_us) FROM events e"
                  " WHERE e.customer_id = customers.id AND e.trigger_kind = 4), 0)",
                  "CREATE INDEX IF NOT EXISTS ix_customers_care ON customers (effective_type, last_care_at_us)",
              },
      },
      {
          .version = 11,
          .description = "dialer queues, leases on revisits, and call attempts",
          .mysql_statements =
              {
                  "ALTER TABLE revisits ADD COLUMN IF NOT EXISTS queue VARCHAR(64) NOT NULL DEFAULT 'default',"
                  " ADD COLUMN IF NOT EXISTS lease_token_hash CHAR(64) NOT NULL DEFAULT '',"
                  " ADD COLUMN IF NOT EXISTS lease_holder VARCHAR(64) NOT NULL DEFAULT '',"
                  " ADD COLUMN IF NOT EXISTS lease_expires_at_us BIGINT NOT NULL DEFAULT 0,"
                  " ADD KEY IF NOT EXISTS ix_revisits_claim (state, channel, queue, priority, due_at_us),"
                  " ADD KEY IF NOT EXISTS ix_revisits_reserved (state, reserved_agent_id, priority, due_at_us),"
                  " ADD KEY IF NOT EXISTS ix_revisits_lease (state, lease_expires_at_us)",
                  R"sql(CREATE TABLE IF NOT EXISTS call_attempts (
                    revisit_id BIGINT NOT NULL,
                    number INT NOT NULL,
                    outcome SMALLINT NOT NULL,
                    agent_id VARCHAR(64) NOT NULL,
                    notes TEXT NOT NULL,
                    lease_token_hash CHAR(64) NOT NULL,
                    call_back_at_us BIGINT NULL,
                    reported_at_us BIGINT NOT NULL,
                    PRIMARY KEY (revisit_id, number),
                    UNIQUE KEY uq_call_attempts_lease (revisit_id, lease_token_hash),
                    CONSTRAINT fk_call_attempts_revisit FOREIGN KEY (revisit_id) REFERENCES revisits (id)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
              },
          .sqlite_statements =
              {
                  "ALTER TABLE revisits ADD COLUMN queue TEXT NOT NULL DEFAULT 'default'",
                  "ALTER TABLE revisits ADD COLUMN lease_token_hash TEXT NOT NULL DEFAULT ''",
                  "ALTER TABLE revisits ADD COLUMN lease_holder TEXT NOT NULL DEFAULT ''",
                  "ALTER TABLE revisits ADD COLUMN lease_expires_at_us INTEGER NOT NULL DEFAULT 0",
                  "CREATE INDEX IF NOT EXISTS ix_revisits_claim ON revisits (state, channel, queue, priority,"
                  " due_at_us)",
                  "CREATE INDEX IF NOT EXISTS ix_revisits_reserved ON revisits (state, reserved_agent_id, priority,"
                  " due_at_us)",
                  "CREATE INDEX IF NOT EXISTS ix_revisits_lease ON revisits (state, lease_expires_at_us)",
                  R"sql(CREATE TABLE IF NOT EXISTS call_attempts (
                    revisit_id INTEGER NOT NULL REFERENCES revisits (id),
                    number INTEGER NOT NULL,
                    outcome INTEGER NOT NULL,
                    agent_id TEXT NOT NULL,
                    notes TEXT NOT NULL,
                    lease_token_hash TEXT NOT NULL,
                    call_back_at_us INTEGER NULL,
                    reported_at_us INTEGER NOT NULL,
                    PRIMARY KEY (revisit_id, number),
                    UNIQUE (revisit_id, lease_token_hash)
                  ))sql",
              },
      },
      {
          .version = 12,
          .description = "the message outbox: customers' languages, invitations, deliveries and replies",
          .mysql_statements =
              {
                  "INSERT IGNORE INTO settings (name, body, version, updated_at_us) VALUES ('messages', '', 0, 0)",
                  "ALTER TABLE customers ADD COLUMN IF NOT EXISTS language VARCHAR(16) NOT NULL DEFAULT ''",
                  "ALTER TABLE revisits ADD KEY IF NOT EXISTS ix_revisits_outbox (state, channel, priority, due_at_us)",
                  R"sql(CREATE TABLE IF NOT EXISTS invitations (
                    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    token_hash CHAR(64) NOT NULL,
                    revisit_id BIGINT NOT NULL,
                    customer_id BIGINT NOT NULL,
                    questionnaire_id VARCHAR(63) NOT NULL,
                    questionnaire_version INT NOT NULL,
                    channel SMALLINT NOT NULL,
                    created_at_us BIGINT NOT NULL,
                    expires_at_us BIGINT NOT NULL,
                    used_at_us BIGINT NULL,
                    UNIQUE KEY uq_invitations_token (token_hash),
                    KEY ix_invitations_revisit (revisit_id),
                    CONSTRAINT fk_invitations_revisit FOREIGN KEY (revisit_id) REFERENCES revisits (id)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  R"sql(CREATE TABLE IF NOT EXISTS message_attempts (
                    revisit_id BIGINT NOT NULL,
                    number INT NOT NULL,
                    channel SMALLINT NOT NULL,
                    outcome SMALLINT NOT NULL,
                    provider_message_id VARCHAR(128) NOT NULL,
                    error_text VARCHAR(500) NOT NULL,
                    lease_token_hash CHAR(64) NOT NULL,
                    reported_at_us BIGINT NOT NULL,
                    PRIMARY KEY (revisit_id, number),
                    UNIQUE KEY uq_message_attempts_lease (revisit_id, lease_token_hash),
                    CONSTRAINT fk_message_attempts_revisit FOREIGN KEY (revisit_id) REFERENCES revisits (id)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  R"sql(CREATE TABLE IF NOT EXISTS message_replies (
                    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    revisit_id BIGINT NOT NULL,
                    customer_id BIGINT NOT NULL,
                    channel SMALLINT NOT NULL,
                    text TEXT NOT NULL,
                    opted_out SMALLINT NOT NULL,
                    received_at_us BIGINT NOT NULL,
                    KEY ix_message_replies_revisit (revisit_id),
                    CONSTRAINT fk_message_replies_revisit FOREIGN KEY (revisit_id) REFERENCES revisits (id)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
              },
          .sqlite_statements =
              {
                  "INSERT OR IGNORE INTO settings (name, body, version, updated_at_us) VALUES ('messages', '', 0, 0)",
                  "ALTER TABLE customers ADD COLUMN language TEXT NOT NULL DEFAULT ''",
                  "CREATE INDEX IF NOT EXISTS ix_revisits_outbox ON revisits (state, channel, priority, due_at_us)",
                  R"sql(CREATE TABLE IF NOT EXISTS invitations (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    token_hash TEXT NOT NULL UNIQUE,
                    revisit_id INTEGER NOT NULL REFERENCES revisits (id),
                    customer_id INTEGER NOT NULL,
                    questionnaire_id TEXT NOT NULL,
                    questionnaire_version INTEGER NOT NULL,
                    channel INTEGER NOT NULL,
                    created_at_us INTEGER NOT NULL,
                    expires_at_us INTEGER NOT NULL,
                    used_at_us INTEGER NULL
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_invitations_revisit ON invitations (revisit_id)",
                  R"sql(CREATE TABLE IF NOT EXISTS message_attempts (
                    revisit_id INTEGER NOT NULL REFERENCES revisits (id),
                    number INTEGER NOT NULL,
                    channel INTEGER NOT NULL,
                    outcome INTEGER NOT NULL,
                    provider_message_id TEXT NOT NULL,
                    error_text TEXT NOT NULL,
                    lease_token_hash TEXT NOT NULL,
                    reported_at_us INTEGER NOT NULL,
                    PRIMARY KEY (revisit_id, number),
                    UNIQUE (revisit_id, lease_token_hash)
                  ))sql",
                  R"sql(CREATE TABLE IF NOT EXISTS message_replies (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    revisit_id INTEGER NOT NULL REFERENCES revisits (id),
                    customer_id INTEGER NOT NULL,
                    channel INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    opted_out INTEGER NOT NULL,
                    received_at_us INTEGER NOT NULL
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_message_replies_revisit ON message_replies (revisit_id)",
              },
      },
      {
          .version = 13,
          .description = "drop ix_revisits_due: claims read the queue and outbox indexes, and every index on the"
                         " state costs each claim and report",
          .mysql_statements = {"ALTER TABLE revisits DROP INDEX IF EXISTS ix_revisits_due"},
          .sqlite_statements = {"DROP INDEX IF EXISTS ix_revisits_due"},
      },
      {
          .version = 14,
          .description = "survey responses, their answers, and the aggregates satisfaction indices are read from",
          .mysql_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS responses (
                    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    revisit_id BIGINT NOT NULL,
                    invitation_id BIGINT NULL,
                    customer_id BIGINT NOT NULL,
                    questionnaire_id VARCHAR(63) NOT NULL,
                    questionnaire_version INT NOT NULL,
                    customer_type SMALLINT NOT NULL,
                    channel SMALLINT NOT NULL,
                    agent_id VARCHAR(64) NOT NULL,
                    idempotency_key VARCHAR(128) NULL,
                    submitted_at_us BIGINT NOT NULL,
                    report_day INT NOT NULL,
                    recovery_revisit_id BIGINT NULL,
                    UNIQUE KEY uq_responses_revisit (revisit_id),
                    UNIQUE KEY uq_responses_idempotency (idempotency_key),
                    KEY ix_responses_questionnaire (questionnaire_id, submitted_at_us),
                    CONSTRAINT fk_responses_revisit FOREIGN KEY (revisit_id) REFERENCES revisits (id)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  R"sql(CREATE TABLE IF NOT EXISTS response_answers (
                    response_id BIGINT NOT NULL,
                    item_code VARCHAR(64) NOT NULL,
                    score SMALLINT NOT NULL,
                    text TEXT NOT NULL,
                    PRIMARY KEY (response_id, item_code),
                    CONSTRAINT fk_answers_response FOREIGN KEY (response_id) REFERENCES responses (id)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  R"sql(CREATE TABLE IF NOT EXISTS response_rollups (
                    questionnaire_id VARCHAR(63) NOT NULL,
                    questionnaire_version INT NOT NULL,
                    day INT NOT NULL,
                    item_code VARCHAR(64) NOT NULL,
                    customer_type SMALLINT NOT NULL,
                    channel SMALLINT NOT NULL,
                    agent_id VARCHAR(64) NOT NULL,
                    score SMALLINT NOT NULL,
                    answers BIGINT NOT NULL,
                    PRIMARY KEY (questionnaire_id, questionnaire_version, day, item_code, customer_type, channel,
                                 agent_id, score)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
              },
          .sqlite_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS responses (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    revisit_id INTEGER NOT NULL UNIQUE REFERENCES revisits (id),
                    invitation_id INTEGER NULL,
                    customer_id INTEGER NOT NULL,
                    questionnaire_id TEXT NOT NULL,
                    questionnaire_version INTEGER NOT NULL,
                    customer_type INTEGER NOT NULL,
                    channel INTEGER NOT NULL,
                    agent_id TEXT NOT NULL,
                    idempotency_key TEXT NULL UNIQUE,
                    submitted_at_us INTEGER NOT NULL,
                    report_day INTEGER NOT NULL,
                    recovery_revisit_id INTEGER NULL
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_responses_questionnaire ON responses (questionnaire_id,"
                  " submitted_at_us)",
                  R"sql(CREATE TABLE IF NOT EXISTS response_answers (
                    response_id INTEGER NOT NULL REFERENCES responses (id),
                    item_code TEXT NOT NULL,
                    score INTEGER NOT NULL,
                    text TEXT NOT NULL,
                    PRIMARY KEY (response_id, item_code)
                  ))sql",
                  R"sql(CREATE TABLE IF NOT EXISTS response_rollups (
                    questionnaire_id TEXT NOT NULL,
                    questionnaire_version INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    item_code TEXT NOT NULL,
                    customer_type INTEGER NOT NULL,
                    channel INTEGER NOT NULL,
                    agent_id TEXT NOT NULL,
                    score INTEGER NOT NULL,
                    answers INTEGER NOT NULL,
                    PRIMARY KEY (questionnaire_id, questionnaire_version, day, item_code, customer_type, channel,
                                 agent_id, score)
                  ))sql",
              },
      },
      {
          .version = 15,
          .description = "aggregates by day and customer type (a row per item with its counts of each score); revisits by planning time",
          .mysql_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS response_day_rollups (
                    questionnaire_id VARCHAR(63) NOT NULL,
                    questionnaire_version INT NOT NULL,
                    day INT NOT NULL,
                    customer_type SMALLINT NOT NULL,
                    item_code VARCHAR(64) NOT NULL,
                    responses BIGINT NOT NULL,
                    scored_1 BIGINT NOT NULL,
                    scored_2 BIGINT NOT NULL,
                    scored_3 BIGINT NOT NULL,
                    scored_4 BIGINT NOT NULL,
                    scored_5 BIGINT NOT NULL,
                    PRIMARY KEY (questionnaire_id, questionnaire_version, day, customer_type, item_code)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  kFillDayRollups,
                  // The response funnel reads the revisits planned in a range of days.
                  "ALTER TABLE revisits ADD KEY IF NOT EXISTS ix_revisits_created (created_at_us)",
              },
          .sqlite_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS response_day_rollups (
                    questionnaire_id TEXT NOT NULL,
                    questionnaire_version INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    customer_type INTEGER NOT NULL,
                    item_code TEXT NOT NULL,
                    responses INTEGER NOT NULL,
                    scored_1 INTEGER NOT NULL,
                    scored_2 INTEGER NOT NULL,
                    scored_3 INTEGER NOT NULL,
                    scored_4 INTEGER NOT NULL,
                    scored_5 INTEGER NOT NULL,
                    PRIMARY KEY (questionnaire_id, questionnaire_version, day, customer_type, item_code)
                  ))sql",
                  kFillDayRollups,
                  "CREATE INDEX IF NOT EXISTS ix_revisits_created ON revisits (created_at_us)",
              },
      },
      {
          .version = 16,
          .description = "API keys (stored as their SHA-256), the audit log, and do-not-call entries numbered",
          .mysql_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS api_keys (
                    id CHAR(16) NOT NULL PRIMARY KEY,
                    key_hash CHAR(64) NOT NULL,
                    display_name VARCHAR(100) NOT NULL,
                    role SMALLINT NOT NULL,
                    queue VARCHAR(64) NOT NULL,
                    agent_id VARCHAR(64) NOT NULL,
                    rate_limit_per_minute INT NOT NULL,
                    hint VARCHAR(8) NOT NULL,
                    created_by VARCHAR(16) NOT NULL,
                    created_at_us BIGINT NOT NULL,
                    revoked_at_us BIGINT NULL,
                    last_used_at_us BIGINT NULL,
                    UNIQUE KEY ux_api_keys_hash (key_hash),
                    KEY ix_api_keys_created (created_at_us)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  R"sql(CREATE TABLE IF NOT EXISTS audit_events (
                    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
                    occurred_at_us BIGINT NOT NULL,
                    key_id VARCHAR(16) NOT NULL,
                    role SMALLINT NOT NULL,
                    method VARCHAR(128) NOT NULL,
                    resource VARCHAR(2000) NOT NULL,
                    outcome VARCHAR(32) NOT NULL,
                    message VARCHAR(500) NOT NULL,
                    peer VARCHAR(128) NOT NULL,
                    KEY ix_audit_events_time (occurred_at_us),
                    KEY ix_audit_events_key (key_id, id),
                    KEY ix_audit_events_method (method, id)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  // The do-not-call list pages by entry, not by number: a page
                  // token must not carry a number to a key that sees them masked.
                  // (SQLite's rowid serves the same purpose.)
                  "ALTER TABLE do_not_call ADD COLUMN IF NOT EXISTS entry_id BIGINT NOT NULL AUTO_INCREMENT UNIQUE",
              },
          .sqlite_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS api_keys (
                    id TEXT NOT NULL PRIMARY KEY,
                    key_hash TEXT NOT NULL UNIQUE,
                    display_name TEXT NOT NULL,
                    role INTEGER NOT NULL,
                    queue TEXT NOT NULL,
                    agent_id TEXT NOT NULL,
                    rate_limit_per_minute INTEGER NOT NULL,
                    hint TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at_us INTEGER NOT NULL,
                    revoked_at_us INTEGER NULL,
                    last_used_at_us INTEGER NULL
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_api_keys_created ON api_keys (created_at_us)",
                  R"sql(CREATE TABLE IF NOT EXISTS audit_events (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    occurred_at_us INTEGER NOT NULL,
                    key_id TEXT NOT NULL,
                    role INTEGER NOT NULL,
                    method TEXT NOT NULL,
                    resource TEXT NOT NULL,
                    outcome TEXT NOT NULL,
                    message TEXT NOT NULL,
                    peer TEXT NOT NULL
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_audit_events_time ON audit_events (occurred_at_us)",
                  "CREATE INDEX IF NOT EXISTS ix_audit_events_key ON audit_events (key_id, id)",
                  "CREATE INDEX IF NOT EXISTS ix_audit_events_method ON audit_events (method, id)",
              },
      },
      {
          .version = 17,
          .description = "invitations keep the language of the message that carried them: the survey page opens in it",
          .mysql_statements =
              {
                  "ALTER TABLE invitations ADD COLUMN IF NOT EXISTS message_language VARCHAR(16) NOT NULL DEFAULT ''",
              },
          .sqlite_statements =
              {
                  "ALTER TABLE invitations ADD COLUMN message_language TEXT NOT NULL DEFAULT ''",
              },
      },
      {
          .version = 18,
          .description = "revisits planned again when a customer's zone or the hours change (the earliest each "
                         "may be made, and the pass's place); the default recovery call reserved for the agent",
          .mysql_statements =
              {
                  // 0: not known (revisits planned before this step): their due time.
                  "ALTER TABLE revisits ADD COLUMN IF NOT EXISTS not_before_us BIGINT NOT NULL DEFAULT 0",
                  // The contact policy version revisits were last planned again
                  // for, and the pass under way: its version and where it got to.
                  R"sql(CREATE TABLE IF NOT EXISTS revisit_replanning (
                    name VARCHAR(32) NOT NULL PRIMARY KEY,
                    done_version BIGINT NOT NULL,
                    pass_version BIGINT NOT NULL,
                    after_customer_id BIGINT NOT NULL
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  "INSERT IGNORE INTO revisit_replanning (name, done_version, pass_version, after_customer_id)"
                  " VALUES ('contact-policy', 0, 0, 0)",
                  R"sql(UPDATE revisit_rules
                    SET rule_json = CONCAT('{"reserveForServingAgent":true,', SUBSTRING(rule_json, 2)),
                        updated_at_us = updated_at_us + 1
                    WHERE id = 'low-score-recovery-call' AND rule_json LIKE '{"%'
                      AND rule_json NOT LIKE '%"reserveForServingAgent"%')sql",
              },
          .sqlite_statements =
              {
                  "ALTER TABLE revisits ADD COLUMN not_before_us INTEGER NOT NULL DEFAULT 0",
                  R"sql(CREATE TABLE IF NOT EXISTS revisit_replanning (
                    name TEXT NOT NULL PRIMARY KEY,
                    done_version INTEGER NOT NULL,
                    pass_version INTEGER NOT NULL,
                    after_customer_id INTEGER NOT NULL
                  ))sql",
                  "INSERT OR IGNORE INTO revisit_replanning (name, done_version, pass_version, after_customer_id)"
                  " VALUES ('contact-policy', 0, 0, 0)",
                  R"sql(UPDATE revisit_rules
                    SET rule_json = '{"reserveForServingAgent":true,' || substr(rule_json, 2),
                        updated_at_us = updated_at_us + 1
                    WHERE id = 'low-score-recovery-call' AND rule_json LIKE '{"%'
                      AND rule_json NOT LIKE '%"reserveForServingAgent"%')sql",
              },
      },
      {
          .version = 19,
          .description = "named locks taken by a write that a Galera cluster certifies (a counter), and one for "
                         "the admin keys",
          .mysql_statements =
              {
                  "ALTER TABLE named_locks ADD COLUMN IF NOT EXISTS taken BIGINT NOT NULL DEFAULT 0",
                  "INSERT IGNORE INTO named_locks (name) VALUES ('admin_keys')",
              },
          .sqlite_statements =
              {
                  "ALTER TABLE named_locks ADD COLUMN taken INTEGER NOT NULL DEFAULT 0",
                  "INSERT OR IGNORE INTO named_locks (name) VALUES ('admin_keys')",
              },
      },
      {
          .version = 20,
          .description = "aggregates split into slots, one per Galera node, summed when read: submissions through "
                         "different nodes add to different rows and do not collide at commit",
          // Each statement may run again after a crash part way (MariaDB
          // commits DDL by itself): the same key is made again.
          .mysql_statements =
              {
                  "ALTER TABLE response_rollups ADD COLUMN IF NOT EXISTS slot SMALLINT NOT NULL DEFAULT 0 AFTER score,"
                  " DROP PRIMARY KEY, ADD PRIMARY KEY (questionnaire_id, questionnaire_version, day, item_code,"
                  " customer_type, channel, agent_id, score, slot)",
                  "ALTER TABLE response_day_rollups ADD COLUMN IF NOT EXISTS slot SMALLINT NOT NULL DEFAULT 0 AFTER"
                  " item_code, DROP PRIMARY KEY, ADD PRIMARY KEY (questionnaire_id, questionnaire_version, day,"
                  " customer_type, item_code, slot)",
              },
          // SQLite cannot change a primary key: each table is made anew, in
          // the migration's transaction.
          .sqlite_statements =
              {
                  R"sql(CREATE TABLE response_rollups_slotted (
                    questionnaire_id TEXT NOT NULL,
                    questionnaire_version INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    item_code TEXT NOT NULL,
                    customer_type INTEGER NOT NULL,
                    channel INTEGER NOT NULL,
                    agent_id TEXT NOT NULL,
                    score INTEGER NOT NULL,
                    slot INTEGER NOT NULL DEFAULT 0,
                    answers INTEGER NOT NULL,
                    PRIMARY KEY (questionnaire_id, questionnaire_version, day, item_code, customer_type, channel,
                                 agent_id, score, slot)
                  ))sql",
                  "INSERT INTO response_rollups_slotted (questionnaire_id, questionnaire_version, day, item_code,"
                  " customer_type, channel, agent_id, score, slot, answers) SELECT questionnaire_id,"
                  " questionnaire_version, day, item_code, customer_type, channel, agent_id, score, 0, answers"
                  " FROM response_rollups",
                  "DROP TABLE response_rollups",
                  "ALTER TABLE response_rollups_slotted RENAME TO response_rollups",
                  R"sql(CREATE TABLE response_day_rollups_slotted (
                    questionnaire_id TEXT NOT NULL,
                    questionnaire_version INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    customer_type INTEGER NOT NULL,
                    item_code TEXT NOT NULL,
                    slot INTEGER NOT NULL DEFAULT 0,
                    responses INTEGER NOT NULL,
                    scored_1 INTEGER NOT NULL,
                    scored_2 INTEGER NOT NULL,
                    scored_3 INTEGER NOT NULL,
                    scored_4 INTEGER NOT NULL,
                    scored_5 INTEGER NOT NULL,
                    PRIMARY KEY (questionnaire_id, questionnaire_version, day, customer_type, item_code, slot)
                  ))sql",
                  "INSERT INTO response_day_rollups_slotted (questionnaire_id, questionnaire_version, day,"
                  " customer_type, item_code, slot, responses, scored_1, scored_2, scored_3, scored_4, scored_5)"
                  " SELECT questionnaire_id, questionnaire_version, day, customer_type, item_code, 0, responses,"
                  " scored_1, scored_2, scored_3, scored_4, scored_5 FROM response_day_rollups",
                  "DROP TABLE response_day_rollups",
                  "ALTER TABLE response_day_rollups_slotted RENAME TO response_day_rollups",
              },
      },
      {
          .version = 21,
          .description = "agents of the call floor (their queues, skills, capacity and shift) and how each queue "
                         "hands out its callbacks; indexes to count an agent's calls today and callbacks held",
          .mysql_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS agents (
                    id VARCHAR(64) NOT NULL PRIMARY KEY,
                    display_name VARCHAR(100) NOT NULL,
                    skills_json TEXT NOT NULL,
                    capacity INT NOT NULL,
                    state SMALLINT NOT NULL,
                    signed_in_at_us BIGINT NOT NULL,
                    state_since_us BIGINT NOT NULL,
                    created_at_us BIGINT NOT NULL,
                    updated_at_us BIGINT NOT NULL
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  R"sql(CREATE TABLE IF NOT EXISTS agent_queues (
                    agent_id VARCHAR(64) NOT NULL,
                    queue VARCHAR(64) NOT NULL,
                    PRIMARY KEY (agent_id, queue),
                    KEY ix_agent_queues_queue (queue, agent_id),
                    CONSTRAINT fk_agent_queues_agent FOREIGN KEY (agent_id) REFERENCES agents (id)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  R"sql(CREATE TABLE IF NOT EXISTS queue_assignments (
                    queue VARCHAR(64) NOT NULL PRIMARY KEY,
                    assignment_json TEXT NOT NULL,
                    updated_at_us BIGINT NOT NULL
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  "ALTER TABLE call_attempts ADD KEY IF NOT EXISTS ix_call_attempts_agent (agent_id, reported_at_us)",
                  "ALTER TABLE revisits ADD KEY IF NOT EXISTS ix_revisits_holder (state, lease_holder)",
              },
          .sqlite_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS agents (
                    id TEXT NOT NULL PRIMARY KEY,
                    display_name TEXT NOT NULL,
                    skills_json TEXT NOT NULL,
                    capacity INTEGER NOT NULL,
                    state INTEGER NOT NULL,
                    signed_in_at_us INTEGER NOT NULL,
                    state_since_us INTEGER NOT NULL,
                    created_at_us INTEGER NOT NULL,
                    updated_at_us INTEGER NOT NULL
                  ))sql",
                  R"sql(CREATE TABLE IF NOT EXISTS agent_queues (
                    agent_id TEXT NOT NULL REFERENCES agents (id),
                    queue TEXT NOT NULL,
                    PRIMARY KEY (agent_id, queue)
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_agent_queues_queue ON agent_queues (queue, agent_id)",
                  R"sql(CREATE TABLE IF NOT EXISTS queue_assignments (
                    queue TEXT NOT NULL PRIMARY KEY,
                    assignment_json TEXT NOT NULL,
                    updated_at_us INTEGER NOT NULL
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_call_attempts_agent ON call_attempts (agent_id, reported_at_us)",
                  "CREATE INDEX IF NOT EXISTS ix_revisits_holder ON revisits (state, lease_holder)",
              },
      },
      {
          .version = 22,
          .description = "business context on events (platform, store, product category, courier, amount, cause), "
                         "customers' region and source for routing, aggregates by context, and a customer's "
                         "responses newest first",
          .mysql_statements =
              {
                  "ALTER TABLE events ADD COLUMN IF NOT EXISTS platform VARCHAR(32) NOT NULL DEFAULT '',"
                  " ADD COLUMN IF NOT EXISTS store VARCHAR(64) NOT NULL DEFAULT '',"
                  " ADD COLUMN IF NOT EXISTS product_category VARCHAR(64) NOT NULL DEFAULT '',"
                  " ADD COLUMN IF NOT EXISTS courier VARCHAR(64) NOT NULL DEFAULT '',"
                  " ADD COLUMN IF NOT EXISTS amount_minor BIGINT NOT NULL DEFAULT 0,"
                  " ADD COLUMN IF NOT EXISTS cause VARCHAR(64) NOT NULL DEFAULT ''",
                  "ALTER TABLE customers ADD COLUMN IF NOT EXISTS region VARCHAR(64) NOT NULL DEFAULT '',"
                  " ADD COLUMN IF NOT EXISTS source VARCHAR(64) NOT NULL DEFAULT ''",
                  R"sql(CREATE TABLE IF NOT EXISTS response_context_rollups (
                    questionnaire_id VARCHAR(63) NOT NULL,
                    questionnaire_version INT NOT NULL,
                    day INT NOT NULL,
                    customer_type SMALLINT NOT NULL,
                    platform VARCHAR(32) NOT NULL,
                    store VARCHAR(64) NOT NULL,
                    product_category VARCHAR(64) NOT NULL,
                    courier VARCHAR(64) NOT NULL,
                    cause VARCHAR(64) NOT NULL,
                    item_code VARCHAR(64) NOT NULL,
                    slot SMALLINT NOT NULL,
                    responses BIGINT NOT NULL,
                    scored_1 BIGINT NOT NULL,
                    scored_2 BIGINT NOT NULL,
                    scored_3 BIGINT NOT NULL,
                    scored_4 BIGINT NOT NULL,
                    scored_5 BIGINT NOT NULL,
                    PRIMARY KEY (questionnaire_id, questionnaire_version, day, customer_type, platform, store,
                                 product_category, courier, cause, item_code, slot)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  "ALTER TABLE responses ADD KEY IF NOT EXISTS ix_responses_customer (customer_id, submitted_at_us)",
              },
          .sqlite_statements =
              {
                  "ALTER TABLE events ADD COLUMN platform TEXT NOT NULL DEFAULT ''",
                  "ALTER TABLE events ADD COLUMN store TEXT NOT NULL DEFAULT ''",
                  "ALTER TABLE events ADD COLUMN product_category TEXT NOT NULL DEFAULT ''",
                  "ALTER TABLE events ADD COLUMN courier TEXT NOT NULL DEFAULT ''",
                  "ALTER TABLE events ADD COLUMN amount_minor INTEGER NOT NULL DEFAULT 0",
                  "ALTER TABLE events ADD COLUMN cause TEXT NOT NULL DEFAULT ''",
                  "ALTER TABLE customers ADD COLUMN region TEXT NOT NULL DEFAULT ''",
                  "ALTER TABLE customers ADD COLUMN source TEXT NOT NULL DEFAULT ''",
                  R"sql(CREATE TABLE IF NOT EXISTS response_context_rollups (
                    questionnaire_id TEXT NOT NULL,
                    questionnaire_version INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    customer_type INTEGER NOT NULL,
                    platform TEXT NOT NULL,
                    store TEXT NOT NULL,
                    product_category TEXT NOT NULL,
                    courier TEXT NOT NULL,
                    cause TEXT NOT NULL,
                    item_code TEXT NOT NULL,
                    slot INTEGER NOT NULL,
                    responses INTEGER NOT NULL,
                    scored_1 INTEGER NOT NULL,
                    scored_2 INTEGER NOT NULL,
                    scored_3 INTEGER NOT NULL,
                    scored_4 INTEGER NOT NULL,
                    scored_5 INTEGER NOT NULL,
                    PRIMARY KEY (questionnaire_id, questionnaire_version, day, customer_type, platform, store,
                                 product_category, courier, cause, item_code, slot)
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_responses_customer ON responses (customer_id, submitted_at_us)",
              },
      },
      {
          .version = 23,
          .description = "dashboard sign-in sessions, each stored as the SHA-256 of its cookie",
          .mysql_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS dashboard_sessions (
                    session_hash CHAR(64) NOT NULL PRIMARY KEY,
                    key_id CHAR(16) NOT NULL,
                    created_at_us BIGINT NOT NULL,
                    expires_at_us BIGINT NOT NULL,
                    peer VARCHAR(128) NOT NULL,
                    KEY ix_dashboard_sessions_expiry (expires_at_us)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
              },
          .sqlite_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS dashboard_sessions (
                    session_hash TEXT NOT NULL PRIMARY KEY,
                    key_id TEXT NOT NULL,
                    created_at_us INTEGER NOT NULL,
                    expires_at_us INTEGER NOT NULL,
                    peer TEXT NOT NULL
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_dashboard_sessions_expiry ON dashboard_sessions (expires_at_us)",
              },
      },
      {
          .version = 24,
          .description = "the funnel's counts by questionnaire and quarter-hour of planning, kept as survey "
                         "revisits are planned, reached and answered; revisits marked once reached; recovery calls "
                         "counted along an index",
          // Each statement may run again after a crash part way (MariaDB
          // commits DDL by itself): the fill starts from an empty table.
          .mysql_statements =
              {
                  "ALTER TABLE revisits ADD COLUMN IF NOT EXISTS reached SMALLINT NOT NULL DEFAULT 0,"
                  " ADD KEY IF NOT EXISTS ix_revisits_trigger (trigger_kind, created_at_us, state)",
                  R"sql(CREATE TABLE IF NOT EXISTS revisit_funnel_rollups (
                    questionnaire_id VARCHAR(63) NOT NULL,
                    quarter_start_us BIGINT NOT NULL,
                    slot SMALLINT NOT NULL,
                    planned BIGINT NOT NULL,
                    reached BIGINT NOT NULL,
                    responded BIGINT NOT NULL,
                    PRIMARY KEY (questionnaire_id, quarter_start_us, slot),
                    KEY ix_revisit_funnel_rollups_quarter (quarter_start_us)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  kMarkReached,
                  "DELETE FROM revisit_funnel_rollups",
                  kFillFunnelRollups,
              },
          .sqlite_statements =
              {
                  "ALTER TABLE revisits ADD COLUMN reached INTEGER NOT NULL DEFAULT 0",
                  "CREATE INDEX IF NOT EXISTS ix_revisits_trigger ON revisits (trigger_kind, created_at_us, state)",
                  R"sql(CREATE TABLE IF NOT EXISTS revisit_funnel_rollups (
                    questionnaire_id TEXT NOT NULL,
                    quarter_start_us INTEGER NOT NULL,
                    slot INTEGER NOT NULL,
                    planned INTEGER NOT NULL,
                    reached INTEGER NOT NULL,
                    responded INTEGER NOT NULL,
                    PRIMARY KEY (questionnaire_id, quarter_start_us, slot)
                  ))sql",
                  "CREATE INDEX IF NOT EXISTS ix_revisit_funnel_rollups_quarter ON revisit_funnel_rollups"
                  " (quarter_start_us)",
                  kMarkReached,
                  kFillFunnelRollups,
              },
      },
      {
          .version = 25,
          .description = "aggregates by channel and agent without the customer type, a row per item with its "
                         "counts of each score: figures by channel or agent read a fifth of the rows",
          .mysql_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS response_channel_rollups (
                    questionnaire_id VARCHAR(63) NOT NULL,
                    questionnaire_version INT NOT NULL,
                    day INT NOT NULL,
                    channel SMALLINT NOT NULL,
                    agent_id VARCHAR(64) NOT NULL,
                    item_code VARCHAR(64) NOT NULL,
                    slot SMALLINT NOT NULL,
                    responses BIGINT NOT NULL,
                    scored_1 BIGINT NOT NULL,
                    scored_2 BIGINT NOT NULL,
                    scored_3 BIGINT NOT NULL,
                    scored_4 BIGINT NOT NULL,
                    scored_5 BIGINT NOT NULL,
                    PRIMARY KEY (questionnaire_id, questionnaire_version, day, channel, agent_id, item_code, slot)
                  ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin)sql",
                  // After a crash part way, the step runs again from an empty table.
                  "DELETE FROM response_channel_rollups",
                  kFillChannelRollups,
              },
          .sqlite_statements =
              {
                  R"sql(CREATE TABLE IF NOT EXISTS response_channel_rollups (
                    questionnaire_id TEXT NOT NULL,
                    questionnaire_version INTEGER NOT NULL,
                    day INTEGER NOT NULL,
                    channel INTEGER NOT NULL,
                    agent_id TEXT NOT NULL,
                    item_code TEXT NOT NULL,
                    slot INTEGER NOT NULL,
                    responses INTEGER NOT NULL,
                    scored_1 INTEGER NOT NULL,
                    scored_2 INTEGER NOT NULL,
                    scored_3 INTEGER NOT NULL,
                    scored_4 INTEGER NOT NULL,
                    scored_5 INTEGER NOT NULL,
                    PRIMARY KEY (questionnaire_id, questionnaire_version, day, channel, agent_id, item_code, slot)
                  ))sql",
                  kFillChannelRollups,
              },
      },
  };
  return migrations;
}

}  // namespace

std::span<const Migration> SchemaMigrations() { return AllMigrations(); }

}  // namespace satisfaction::storage
