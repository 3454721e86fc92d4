// The schema, as versioned migration steps. Never edit a step that has shipped:
// add a new one. Times are stored as microseconds since the Unix epoch (UTC) so
// that both backends compare and index them the same way.
#include "services/storage/migrations.h"

namespace satisfaction::storage {
namespace {

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
  };
  return migrations;
}

}  // namespace

std::span<const Migration> SchemaMigrations() { return AllMigrations(); }

}  // namespace satisfaction::storage
