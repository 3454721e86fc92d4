#include "services/storage/database.h"

#include <exception>
#include <utility>

#include "absl/random/random.h"
#include "absl/strings/str_cat.h"
#include "services/storage/database_errors.h"
#include "services/storage/galera.h"
#include "soci/mysql/soci-mysql.h"
#include "soci/sqlite3/soci-sqlite3.h"

namespace satisfaction::storage {
namespace {

// A session idle for longer than this is checked before use: MySQL closes idle
// connections (wait_timeout), and a restart of the database drops them all.
constexpr absl::Duration kIdleCheckAfter = absl::Seconds(30);

const soci::backend_factory& FactoryFor(Backend backend) {
  return backend == Backend::kMysql ? *soci::factory_mysql() : *soci::factory_sqlite3();
}

}  // namespace

Database::Database(DatabaseUrl url, const DatabaseOptions& options)
    : url_(std::move(url)),
      dialect_(url_.backend),
      options_(options),
      pool_(options.pool_size),
      slots_(options.pool_size) {}

Database::~Database() = default;

absl::StatusOr<std::unique_ptr<Database>> Database::Connect(const DatabaseOptions& options) {
  if (options.pool_size < 1 || options.pool_size > 1024) {
    return absl::InvalidArgumentError("database pool size must be from 1 to 1024");
  }
  absl::StatusOr<DatabaseUrl> url = ParseDatabaseUrl(options.url);
  if (!url.ok()) return url.status();
  std::unique_ptr<Database> database(new Database(*std::move(url), options));
  if (absl::Status opened = database->OpenAll(); !opened.ok()) return opened;
  // A Galera node not ready yet is the health checks' business; its place comes with them.
  (void)database->Ping();
  return database;
}

absl::Status Database::OpenAll() {
  for (size_t i = 0; i < slots_.size(); ++i) {
    try {
      soci::session& session = pool_.at(i);
      session.open(FactoryFor(url_.backend), url_.soci_connect_string);
      ConfigureSession(session);
      slots_[i].generation = generation_.load();
      slots_[i].last_used = absl::Now();
    } catch (const std::exception& error) {
      absl::Status status = StatusFromDatabaseException(error);
      // Opening is connecting: whatever stops it means the database cannot be used.
      return absl::UnavailableError(absl::StrCat("cannot open ", url_.redacted, ": ", status.message()));
    }
  }
  return absl::OkStatus();
}

void Database::ConfigureSession(soci::session& session) {
  if (url_.backend == Backend::kSqlite) {
    // WAL lets readers go on while one writer writes; foreign keys are off by default.
    session << "PRAGMA journal_mode=WAL";
    session << "PRAGMA foreign_keys=ON";
    session << "PRAGMA busy_timeout=10000";
  } else {
    // Strict mode turns silent truncation into errors; UTC keeps times unambiguous.
    session << "SET SESSION sql_mode='STRICT_ALL_TABLES,NO_ZERO_DATE,NO_ENGINE_SUBSTITUTION'";
    session << "SET SESSION time_zone='+00:00'";
    session << "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
    MakeReadsCausal(session);
  }
}

absl::StatusOr<size_t> Database::Borrow() {
  size_t position = 0;
  DatabaseObserver* observer = options_.observer;
  if (pool_.try_lease(position, 0)) {
    if (observer != nullptr) observer->SessionLent(absl::ZeroDuration());
    return position;
  }
  // None free: wait for one, and say how long it took.
  absl::Time start = absl::Now();
  int timeout_ms = static_cast<int>(absl::ToInt64Milliseconds(options_.lease_timeout));
  if (!pool_.try_lease(position, timeout_ms)) {
    if (observer != nullptr) observer->SessionRefused();
    return absl::ResourceExhaustedError(
        absl::StrCat("all ", slots_.size(), " database sessions are busy; retry later"));
  }
  if (observer != nullptr) observer->SessionLent(absl::Now() - start);
  return position;
}

void Database::GiveBack(size_t position) {
  slots_[position].last_used = absl::Now();
  pool_.give_back(position);
  if (options_.observer != nullptr) options_.observer->SessionReturned();
}

// Reconnects the session if the pool lost connections since it was opened, or
// checks it if it sat idle long enough for the server to have dropped it.
absl::Status Database::Prepare(size_t position) {
  Slot& slot = slots_[position];
  soci::session& session = pool_.at(position);
  try {
    if (slot.generation == generation_.load() && absl::Now() - slot.last_used < kIdleCheckAfter) {
      return absl::OkStatus();
    }
    if (slot.generation == generation_.load()) {
      try {
        session << "SELECT 1";
        return absl::OkStatus();
      } catch (const std::exception&) {
        // Dropped while idle: reconnect below.
      }
    }
    session.reconnect();
    ConfigureSession(session);
    slot.generation = generation_.load();
    return absl::OkStatus();
  } catch (const std::exception& error) {
    absl::Status status = StatusFromDatabaseException(error);
    return IsConnectionLoss(status) ? status : AsUnavailable(status);
  }
}

class Database::Lease {
 public:
  Lease(Database& database, size_t position) : database_(database), position_(position) {}
  ~Lease() { database_.GiveBack(position_); }
  Lease(const Lease&) = delete;
  Lease& operator=(const Lease&) = delete;
  soci::session& session() { return database_.pool_.at(position_); }

 private:
  Database& database_;
  size_t position_;
};

void Database::Begin(soci::session& session, Access access) {
  if (url_.backend == Backend::kSqlite) {
    // The write lock up front, so that two writers never deadlock upgrading theirs.
    if (access == Access::kRead) {
      session.begin();
    } else {
      session << "BEGIN IMMEDIATE";
    }
    return;
  }
  // For the next transaction only; the session's own level (READ COMMITTED) returns after it.
  if (access == Access::kWriteFromSnapshot) session << "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ";
  session.begin();
}

absl::Status Database::Run(const Access* access, int attempt, absl::FunctionRef<absl::Status(Transaction&)> work) {
  absl::StatusOr<size_t> position = Borrow();
  if (!position.ok()) return position.status();
  Lease lease(*this, *position);
  if (absl::Status ready = Prepare(*position); !ready.ok()) {
    generation_.fetch_add(1);
    return ready;
  }
  soci::session& session = lease.session();
  bool in_transaction = false;
  try {
    if (access != nullptr) {
      Begin(session, *access);
      in_transaction = true;
    }
    Transaction transaction(session, dialect_, attempt, cluster_node());
    absl::Status status = work(transaction);
    if (in_transaction) {
      if (status.ok()) {
        session.commit();
      } else {
        session.rollback();
      }
    }
    if (status.ok()) transaction.RunAfterCommit();
    return status;
  } catch (const std::exception& error) {
    absl::Status status = StatusFromDatabaseException(error);
    if (IsConnectionLoss(status)) {
      generation_.fetch_add(1);
    } else if (in_transaction) {
      try {
        session.rollback();
      } catch (const std::exception&) {
        generation_.fetch_add(1);  // A session we cannot roll back is not reused as is.
      }
    }
    return status;
  }
}

absl::Status Database::InTransaction(Access access, absl::FunctionRef<absl::Status(Transaction&)> work) {
  const RetryPolicy& retry = options_.retry;
  for (int attempt = 1;; ++attempt) {
    absl::Status status = Run(&access, attempt, work);
    if (attempt >= retry.max_attempts || !retry.ShouldRetry(status, /*duplicate_key_too=*/access == Access::kUpsert)) {
      return status;
    }
    if (options_.observer != nullptr) options_.observer->TransactionRetried(status);
    // The session went back to the pool meanwhile: a pause holds nothing.
    thread_local absl::BitGen random;
    absl::SleepFor(retry.Backoff(attempt, random));
  }
}

absl::Status Database::WithSession(absl::FunctionRef<absl::Status(soci::session&)> work) {
  return Run(nullptr, 1, [&](Transaction& transaction) { return work(transaction.session()); });
}

absl::Status Database::Ping() {
  absl::Status status = WithSession([this](soci::session& session) {
    int one = 0;
    session << "SELECT 1", soci::into(one);
    if (backend() != Backend::kMysql) return absl::OkStatus();
    // A Galera node answers SELECT 1 before it may serve (and after it lost the quorum).
    absl::StatusOr<ClusterNode> node = CheckGaleraNodeReady(session);
    if (!node.ok()) return node.status();
    cluster_node_.store(static_cast<uint64_t>(node->index) << 32 | static_cast<uint32_t>(node->count));
    return absl::OkStatus();
  });
  // A pool busy with real work is a database that answers.
  if (status.code() == absl::StatusCode::kResourceExhausted) return absl::OkStatus();
  return status;
}

ClusterNode Database::cluster_node() const {
  uint64_t packed = cluster_node_.load();
  return ClusterNode{.index = static_cast<int>(packed >> 32), .count = static_cast<int>(packed & 0xffffffffu)};
}

}  // namespace satisfaction::storage
