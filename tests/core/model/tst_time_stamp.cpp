#include "dc/core/model/time_stamp.h"

#include <QtTest>

#include <stdexcept>

using namespace dc::core;

class TestTimeStamp : public QObject {
  Q_OBJECT

private slots:
  void parsesKittiTimestampAsUtc() {
    // 2011-09-26 13:02:25 UTC is 1317042145 s since the epoch.
    QCOMPARE(parse_kitti_timestamp("2011-09-26 13:02:25.964389445"), TimestampNs(1317042145964389445LL));
    QCOMPARE(parse_kitti_timestamp("1970-01-01 00:00:00.000000000"), TimestampNs(0));
    QCOMPARE(parse_kitti_timestamp("1970-01-01 00:00:01.5"), TimestampNs(1500000000));
  }

  void fractionDigits_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ns");
    QTest::newRow("1") << "2011-09-26 13:02:25.9" << qint64(900000000);
    QTest::newRow("3") << "2011-09-26 13:02:25.964" << qint64(964000000);
    QTest::newRow("6") << "2011-09-26 13:02:25.964389" << qint64(964389000);
    QTest::newRow("9") << "2011-09-26 13:02:25.964389445" << qint64(964389445);
    QTest::newRow("leading zeros") << "2011-09-26 13:02:25.000000001" << qint64(1);
  }
  void fractionDigits() {
    QFETCH(QString, text);
    QFETCH(qint64, ns);
    const TimestampNs t = parse_kitti_timestamp(text.toStdString());
    QCOMPARE(t - TimestampNs(1317042145) * 1000000000, TimestampNs(ns));
  }

  void formatsKittiAndIso() {
    const TimestampNs t = 1317042145964389445LL;
    QCOMPARE(format_kitti_timestamp(t), std::string("2011-09-26 13:02:25.964389445"));
    QCOMPARE(format_iso8601(t), std::string("2011-09-26T13:02:25.964Z"));
    QCOMPARE(format_kitti_timestamp(0), std::string("1970-01-01 00:00:00.000000000"));
    QCOMPARE(format_iso8601(999999), std::string("1970-01-01T00:00:00.000Z"));
    // Before the epoch the fraction still counts forward from the whole second.
    QCOMPARE(format_kitti_timestamp(-1), std::string("1969-12-31 23:59:59.999999999"));
  }

  void roundTrips() {
    const char* samples[] = {"2011-09-26 13:02:25.967790592", "2000-02-29 23:59:59.999999999",
                             "2030-01-01 00:00:00.100000000", "1999-12-31 12:00:00.000000001",
                             "1970-03-01 06:07:08.090000000", "2200-12-31 23:59:59.999999999"};
    for (const char* s : samples) {
      const TimestampNs t = parse_kitti_timestamp(s);
      QCOMPARE(format_kitti_timestamp(t), std::string(s));
      QCOMPARE(parse_kitti_timestamp(format_kitti_timestamp(t)), t);
    }
    // Consecutive days across a leap day and a year boundary.
    const TimestampNs feb28 = parse_kitti_timestamp("2012-02-28 00:00:00.0");
    const TimestampNs mar01 = parse_kitti_timestamp("2012-03-01 00:00:00.0");
    QCOMPARE(mar01 - feb28, TimestampNs(2) * 86400 * 1000000000);
    QCOMPARE(parse_kitti_timestamp("2012-01-01 00:00:00.0") - parse_kitti_timestamp("2011-12-31 23:59:59.5"),
             TimestampNs(500000000));
  }

  void rejects_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("reason");
    QTest::newRow("empty") << "" << "too short";
    QTest::newRow("no fraction") << "2011-09-26 13:02:25" << "too short";
    QTest::newRow("dot only") << "2011-09-26 13:02:25." << "too short";
    QTest::newRow("10 fraction digits") << "2011-09-26 13:02:25.9643894451" << "1 to 9 digits";
    QTest::newRow("letters") << "2011-09-2a 13:02:25.964" << "day";
    QTest::newRow("letters in fraction") << "2011-09-26 13:02:25.96x" << "fraction";
    QTest::newRow("month 13") << "2011-13-26 13:02:25.964" << "month 13";
    QTest::newRow("month 0") << "2011-00-26 13:02:25.964" << "month 0";
    QTest::newRow("day 31 in september") << "2011-09-31 13:02:25.964" << "day 31";
    QTest::newRow("feb 29 non-leap") << "2011-02-29 13:02:25.964" << "day 29";
    QTest::newRow("hour 24") << "2011-09-26 24:02:25.964" << "hour 24";
    QTest::newRow("minute 60") << "2011-09-26 13:60:25.964" << "minute 60";
    QTest::newRow("second 60") << "2011-09-26 13:02:60.964" << "second 60";
    QTest::newRow("T separator") << "2011-09-26T13:02:25.964" << "position 11";
    QTest::newRow("slashes") << "2011/09/26 13:02:25.964" << "position 5";
    QTest::newRow("short year") << "11-09-26 13:02:25.964000" << "";
    QTest::newRow("trailing space") << "2011-09-26 13:02:25.964 " << "fraction";
    QTest::newRow("leading space") << " 2011-09-26 13:02:25.964" << "year";
    QTest::newRow("missing field") << "2011-09 13:02:25.964389445" << "";
    QTest::newRow("year 1000 out of range") << "1000-01-01 00:00:00.0" << "range";
    // A recording in 1900 would be a drive lasting 111 years next to 2011 data.
    QTest::newRow("year 1900") << "1900-03-01 06:07:08.09" << "year 1900 out of range 1970..2200";
    QTest::newRow("year 2201") << "2201-01-01 00:00:00.0" << "year 2201 out of range";
  }
  void rejects() {
    QFETCH(QString, text);
    QFETCH(QString, reason);
    try {
      parse_kitti_timestamp(text.toStdString());
      QFAIL(qPrintable("accepted '" + text + "'"));
    } catch (const std::invalid_argument& e) {
      const QString message = QString::fromUtf8(e.what());
      QVERIFY2(message.contains(reason), qPrintable(message));
      QVERIFY2(message.contains("invalid timestamp"), qPrintable(message));
    }
  }

  void userTimes_data() {
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ns");
    // 2030-01-01 00:00:00 UTC = 1893456000 s (60 years of 365 days + 15 leap days = 21915 days * 86400).
    const qint64 day = 1893456000LL * 1000000000LL;
    QTest::newRow("date only") << "2030-01-01" << day;
    QTest::newRow("date time") << "2030-01-01 12:00:01" << day + 43201LL * 1000000000LL;
    QTest::newRow("T") << "2030-01-01T12:00:01" << day + 43201LL * 1000000000LL;
    QTest::newRow("Z") << "2030-01-01T12:00:01Z" << day + 43201LL * 1000000000LL;
    QTest::newRow("fraction 3") << "2030-01-01 00:00:00.250" << day + 250000000LL;
    QTest::newRow("fraction 12") << "2030-01-01 00:00:00.123456789999" << day + 123456789LL;
    QTest::newRow("ns") << "1317042145964389445" << 1317042145964389445LL;
    QTest::newRow("zero ns") << "0" << 0LL;
  }
  void userTimes() {
    QFETCH(QString, text);
    QFETCH(qint64, ns);
    QCOMPARE(parse_user_time(text.toStdString()), TimestampNs(ns));
  }

  void userTimeRejects_data() {
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << "";
    QTest::newRow("words") << "not a time";
    QTest::newRow("negative") << "-5";
    QTest::newRow("hh:mm only") << "2030-01-01 12:00";
    QTest::newRow("ns overflow") << "99999999999999999999999";
    QTest::newRow("year 1969") << "1969-12-31";
    QTest::newRow("slash date") << "2030/01/01";
  }
  void userTimeRejects() {
    QFETCH(QString, text);
    try {
      parse_user_time(text.toStdString());
      QFAIL(qPrintable("accepted '" + text + "'"));
    } catch (const std::invalid_argument& e) {
      const QString message = QString::fromUtf8(e.what());
      QVERIFY2(message.contains("accepted: YYYY-MM-DD, YYYY-MM-DD HH:MM:SS"), qPrintable(message));
      QVERIFY2(message.contains("integer nanoseconds"), qPrintable(message));
    }
  }

  void berlinToUtc() {
    const TimestampNs s = 1000000000LL;
    // Summer (CEST, UTC+2): 2011-09-26 13:02:25 local = 11:02:25 UTC = 1317034945 s.
    QCOMPARE(local_to_utc(parse_kitti_timestamp("2011-09-26 13:02:25.0"), "Europe/Berlin"), 1317034945LL * s);
    // Winter (CET, UTC+1): 2011-12-01 12:00:00 local = 11:00:00 UTC = 1322737200 s.
    QCOMPARE(local_to_utc(parse_kitti_timestamp("2011-12-01 12:00:00.0"), "Europe/Berlin"), 1322737200LL * s);
    // DST began 2011-03-27 02:00 CET -> 03:00 CEST (01:00 UTC): 01:59:59 CET = 00:59:59 UTC, 03:00 CEST = 01:00 UTC.
    QCOMPARE(local_to_utc(parse_kitti_timestamp("2011-03-27 01:59:59.0"), "Europe/Berlin"),
             parse_kitti_timestamp("2011-03-27 00:59:59.0"));
    QCOMPARE(local_to_utc(parse_kitti_timestamp("2011-03-27 03:00:00.0"), "Europe/Berlin"),
             parse_kitti_timestamp("2011-03-27 01:00:00.0"));
    // DST ended 2011-10-30 03:00 CEST -> 02:00 CET (01:00 UTC); 02:30 happens twice: the first (CEST) is taken.
    QCOMPARE(local_to_utc(parse_kitti_timestamp("2011-10-30 02:30:00.0"), "Europe/Berlin"),
             parse_kitti_timestamp("2011-10-30 00:30:00.0"));
    QCOMPARE(local_to_utc(parse_kitti_timestamp("2011-10-30 03:30:00.0"), "Europe/Berlin"),
             parse_kitti_timestamp("2011-10-30 02:30:00.0"));
    // Beyond the listed transitions the zone's rule applies: 2150-07-01 12:00 CEST = 10:00 UTC.
    QCOMPARE(local_to_utc(parse_kitti_timestamp("2150-07-01 12:00:00.0"), "Europe/Berlin"),
             parse_kitti_timestamp("2150-07-01 10:00:00.0"));
    QCOMPARE(local_to_utc(parse_kitti_timestamp("2150-01-01 12:00:00.0"), "Europe/Berlin"),
             parse_kitti_timestamp("2150-01-01 11:00:00.0"));
    // UTC and "" are the identity; round trips hold outside the ambiguous hour.
    QCOMPARE(local_to_utc(12345, ""), TimestampNs(12345));
    const TimestampNs t = parse_kitti_timestamp("2030-01-01 12:00:00.5");
    QCOMPARE(local_to_utc(utc_to_local(t, "Europe/Berlin"), "Europe/Berlin"), t);
    QCOMPARE(utc_to_local(t, "Europe/Berlin") - t, 3600LL * s);
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, local_to_utc(0, "No/Such_Zone"));
    QVERIFY_THROWS_EXCEPTION(std::invalid_argument, local_to_utc(0, "../etc/passwd"));
  }
};

QTEST_APPLESS_MAIN(TestTimeStamp)
#include "tst_time_stamp.moc"
