// The kernels' thread pool: a task that throws does not terminate the process; the exception reaches the caller
// after every worker has left the job, and the pool keeps working afterwards.
#include "thread_pool.h"

#include <QTest>

#include <atomic>
#include <stdexcept>
#include <thread>

using dc::gpu::detail::ThreadPool;

class TestThreadPool : public QObject {
  Q_OBJECT
private slots:
  void exceptionReachesTheCaller() {
    ThreadPool pool(4);
    std::atomic<int> ran{0};
    bool caught = false;
    try {
      pool.run(1000, [&](std::size_t t) {
        ++ran;
        if (t == 10) throw std::runtime_error("task 10 failed");
        // Tasks take a while, so the stop (a store to the task counter) lands long before the workers could finish
        // the other 989 (about 25 ms of work on 4 threads).
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      });
    } catch (const std::runtime_error& e) {
      caught = true;
      QCOMPARE(QString(e.what()), QString("task 10 failed"));
    }
    QVERIFY(caught);
    QVERIFY(ran.load() >= 11);
    QVERIFY2(ran.load() < 500, std::to_string(ran.load()).c_str());  // the rest was not started
  }

  void noWorkerOutlivesTheCall() {
    // Workers that are still inside a slow task when another one throws must finish before run() returns: they
    // write to `cells`, which lives on this stack frame.
    ThreadPool pool(4);
    for (int round = 0; round < 20; ++round) {
      std::atomic<int> inside{0};
      std::vector<int> cells(64, 0);
      try {
        pool.run(cells.size(), [&](std::size_t t) {
          ++inside;
          if (t == 0) throw std::logic_error("first task fails");
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          cells[t] = 1;
          --inside;
        });
        QFAIL("run() must rethrow");
      } catch (const std::logic_error&) {
      }
      QCOMPARE(inside.load(), 1);  // only the task that threw never left
    }
  }

  void poolWorksAfterAFailure() {
    ThreadPool pool(3);
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, pool.run(8, [](std::size_t) { throw std::runtime_error("x"); }));
    std::atomic<long> sum{0};
    pool.run(100, [&](std::size_t t) { sum += static_cast<long>(t); });
    QCOMPARE(sum.load(), 4950L);
  }
};

QTEST_GUILESS_MAIN(TestThreadPool)
#include "tst_thread_pool.moc"
