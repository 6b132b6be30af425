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
