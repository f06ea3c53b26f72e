// Reading Slurm's answers: squeue, sacct and scontrol output as Slurm 22.05 prints it (lines of other jobs, job
// steps and pending ranges included), durations, task ranges, and the shell quoting that carries an argument
// vector across an ssh hop (checked by running /bin/sh on the quoted words).
#include "exec/slurm_client.h"

#include <QTest>

using namespace dc::core;

class TestSlurmClient : public QObject {
  Q_OBJECT
 private slots:
  void durations() {
    QCOMPARE(parse_slurm_duration("00:00:07"), 7.0);
    QCOMPARE(parse_slurm_duration("1:02"), 62.0);
    QCOMPARE(parse_slurm_duration("2-03:04:05"), 2 * 86400.0 + 3 * 3600 + 4 * 60 + 5);
    QCOMPARE(parse_slurm_duration("N/A"), 0.0);
  }

  void taskRanges() {
    QCOMPARE(parse_task_range("3", 10), std::vector<int>({3}));
    QCOMPARE(parse_task_range("0-2,7", 10), std::vector<int>({0, 1, 2, 7}));
    QCOMPARE(parse_task_range("5-99%2", 8), std::vector<int>({5, 6, 7}));
  }

  void squeueLinesOfThisJobOnly() {
    const auto tasks = parse_squeue("41_0|RUNNING|node-a|0:03\n41_1|PENDING||0:00\n42_0|RUNNING|node-b|1:00\n"
                                    "41_2|COMPLETING|node-a|1:01:00\n",
                                    "41");
    QCOMPARE(tasks.size(), std::size_t(3));
    QCOMPARE(tasks.at(0).state, std::string("RUNNING"));
    QCOMPARE(tasks.at(0).node, std::string("node-a"));
    QCOMPARE(tasks.at(0).elapsed_s, 3.0);
    QCOMPARE(tasks.at(1).state, std::string("PENDING"));
    QCOMPARE(tasks.at(2).elapsed_s, 3660.0);
  }

  void sacctSkipsSteps() {
    const auto tasks = parse_sacct("77_0|COMPLETED|0:0|node-a|12\n77_0.batch|COMPLETED|0:0|node-a|12\n"
                                   "77_1|FAILED|1:0|node-b|3\n77_2|CANCELLED by 0|0:15|None assigned|0\n",
                                   "77");
    QCOMPARE(tasks.size(), std::size_t(3));
    QCOMPARE(tasks.at(0).state, std::string("COMPLETED"));
    QCOMPARE(tasks.at(0).elapsed_s, 12.0);
    QCOMPARE(tasks.at(1).exit_code, std::string("1:0"));
    QCOMPARE(tasks.at(2).state, std::string("CANCELLED"));
    QCOMPARE(tasks.at(2).node, std::string());
  }

  void scontrolTasksAndPendingRanges() {
    const std::string out =
        "JobId=91 ArrayJobId=90 ArrayTaskId=0 JobName=dc JobState=COMPLETED Reason=None ExitCode=0:0 "
        "RunTime=00:00:04 NodeList=node-a\n"
        "JobId=92 ArrayJobId=90 ArrayTaskId=1 JobName=dc JobState=FAILED Reason=NonZeroExitCode ExitCode=1:0 "
        "RunTime=00:00:02 NodeList=node-a\n"
        "JobId=90 ArrayJobId=90 ArrayTaskId=2-4%1 JobName=dc JobState=PENDING Reason=JobArrayTaskLimit "
        "ExitCode=0:0 RunTime=00:00:00 NodeList=(null)\n"
        "JobId=95 ArrayJobId=93 ArrayTaskId=0 JobState=RUNNING\n";
    const auto tasks = parse_scontrol(out, "90", 5);
    QCOMPARE(tasks.size(), std::size_t(5));
    QCOMPARE(tasks.at(0).state, std::string("COMPLETED"));
    QCOMPARE(tasks.at(0).elapsed_s, 4.0);
    QCOMPARE(tasks.at(1).exit_code, std::string("1:0"));
    QCOMPARE(tasks.at(3).state, std::string("PENDING"));
    QCOMPARE(tasks.at(4).node, std::string());
  }

  void shellQuotingKeepsEveryArgumentLiteral() {
    // /bin/sh re-parses the quoted words (what the remote side of ssh does) and prints one argument per line.
    const std::vector<std::string> words = {"plain", "with space", "it's", "a;b", "$HOME", "`id`", "100%", "\"q\"",
                                            ""};
    std::string script = "printf '%s\\n'";
    for (const auto& w : words) script += " " + shell_quote(w);
    const ProcessOutcome r = run_process({"/bin/sh", "-c", script});
    QCOMPARE(r.exit_code, 0);
    std::string expected;
    for (const auto& w : words) expected += w + "\n";
    QCOMPARE(r.out, expected);
  }

  void processRunnerReportsExitCodeOutputAndTimeout() {
    const ProcessOutcome r = run_process({"/bin/sh", "-c", "echo out; echo err >&2; exit 3"});
    QCOMPARE(r.exit_code, 3);
    QCOMPARE(r.out, std::string("out\n"));
    QCOMPARE(r.err, std::string("err\n"));
    const ProcessOutcome slow = run_process({"sleep", "5"}, std::chrono::milliseconds(200));
    QVERIFY(slow.timed_out);
    QVERIFY(!slow.ok());
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, run_process({"/nonexistent/program"}));
  }
};

QTEST_GUILESS_MAIN(TestSlurmClient)
#include "tst_slurm_client.moc"
