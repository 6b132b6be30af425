// The RAII layer: statements, transactions that roll back unless committed, nested transactions.
#include <gtest/gtest.h>

#include "station/storage/database.hpp"
#include "tests/station/support/station_fixture.hpp"

using namespace odyo::station;

namespace {
struct DbTest : ::testing::Test {
  odyo::test::TempDir dir;
  std::unique_ptr<Database> db = std::move(Database::open(dir / "d.db").value());
  void SetUp() override { ASSERT_TRUE(db->exec("CREATE TABLE t (v INTEGER)").ok()); }
  int rows() {
    auto st = db->prepare("SELECT count(*) FROM t");
    EXPECT_TRUE(*st->step());
    return static_cast<int>(st->int64(0));
  }
  void insert(int v) {
    auto st = db->prepare("INSERT INTO t VALUES (?)");
    ASSERT_TRUE(st->bind(1, v).run().ok());
  }
};
}  // namespace

TEST_F(DbTest, PragmasAreSet) {
  auto st = db->prepare("PRAGMA journal_mode");
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->text(0), "wal");
  auto fk = db->prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(*fk->step());
  EXPECT_EQ(fk->int64(0), 1);
}

TEST_F(DbTest, UncommittedTransactionRollsBack) {
  {
    auto tx = Transaction::begin(*db);
    ASSERT_TRUE(tx.ok());
    insert(1);
  }
  EXPECT_EQ(rows(), 0);
  {
    auto tx = Transaction::begin(*db);
    insert(2);
    ASSERT_TRUE(tx->commit().ok());
  }
  EXPECT_EQ(rows(), 1);
}

TEST_F(DbTest, NestedCommitIsUndoneByOuterRollback) {
  {
    auto outer = Transaction::begin(*db);
    insert(1);
    {
      auto inner = Transaction::begin(*db);
      ASSERT_TRUE(inner.ok());
      insert(2);
      ASSERT_TRUE(inner->commit().ok());
    }
    EXPECT_EQ(rows(), 2);
  }  // outer not committed
  EXPECT_EQ(rows(), 0);
}

TEST_F(DbTest, NestedRollbackKeepsTheOuterWork) {
  auto outer = Transaction::begin(*db);
  insert(1);
  {
    auto inner = Transaction::begin(*db);
    insert(2);
  }  // inner rolled back
  ASSERT_TRUE(outer->commit().ok());
  EXPECT_EQ(rows(), 1);
}

TEST_F(DbTest, BadSqlIsAnErrorWithSqlitesMessage) {
  auto st = db->prepare("SELEC 1");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("syntax error"), std::string::npos) << st.error().message;
}

// Database::prepare keeps compiled statements and hands them out again (a page loading many rows
// compiled the same SQL for each). What a reused statement must not carry over: the previous
// user's bindings, a half-read result, or a read transaction that keeps a writer's changes out.
TEST_F(DbTest, AReusedStatementStartsFreshWithoutTheLastBindings) {
  for (int v : {1, 2, 3}) insert(v);
  const char* sql = "SELECT count(*) FROM t WHERE v >= ?";
  {
    auto st = db->prepare(sql);
    st->bind(1, 2);
    ASSERT_TRUE(*st->step());
    EXPECT_EQ(st->int64(0), 2);
  }
  {
    // Unbound now: NULL, so no row compares (a kept binding of 2 would give 2).
    auto st = db->prepare(sql);
    ASSERT_TRUE(*st->step());
    EXPECT_EQ(st->int64(0), 0);
  }
  {
    // Left in the middle of its rows, then taken again: it starts from the first row.
    auto st = db->prepare("SELECT v FROM t ORDER BY v");
    ASSERT_TRUE(*st->step());
    ASSERT_TRUE(*st->step());
    EXPECT_EQ(st->int64(0), 2);
  }
  auto again = db->prepare("SELECT v FROM t ORDER BY v");
  ASSERT_TRUE(*again->step());
  EXPECT_EQ(again->int64(0), 1);
}

TEST_F(DbTest, TwoLiveStatementsOfOneTextAreIndependent) {
  for (int v : {1, 2}) insert(v);
  auto a = db->prepare("SELECT v FROM t ORDER BY v");
  auto b = db->prepare("SELECT v FROM t ORDER BY v");
  ASSERT_TRUE(*a->step());
  ASSERT_TRUE(*a->step());
  ASSERT_TRUE(*b->step());
  EXPECT_EQ(a->int64(0), 2);
  EXPECT_EQ(b->int64(0), 1);
}

TEST_F(DbTest, AStatementHandedBackHoldsNoReadTransaction) {
  insert(1);
  {
    auto st = db->prepare("SELECT v FROM t");
    ASSERT_TRUE(*st->step());  // a read transaction is open while the row is held
  }
  // Another connection writes, and this one sees it: a kept statement that still held its read
  // snapshot would show the old count.
  auto other = std::move(Database::open(dir / "d.db").value());
  ASSERT_TRUE(other->exec("INSERT INTO t VALUES (7)").ok());
  ASSERT_TRUE(other->exec("PRAGMA wal_checkpoint(TRUNCATE)").ok());
  EXPECT_EQ(rows(), 2);
}

TEST_F(DbTest, AStatementMayOutliveItsDatabase) {
  insert(1);
  auto st = db->prepare("SELECT v FROM t");
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->int64(0), 1);
  db.reset();  // closes (a zombie connection until its last statement goes)
  // `st` is destroyed after its Database: it must finalize itself rather than be handed back to
  // the closed connection's cache (the asan preset sees a use of freed memory otherwise).
}
