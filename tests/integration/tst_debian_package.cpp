// The Debian package (installers/cpack.cmake): CPack builds it from this build folder into a temporary folder; it
// holds both programs, the private libraries, the desktop entry, the icon and the AppStream metadata; its Depends
// come from dpkg-shlibdeps (Qt 6, VTK, ...); lintian finds no error in it (its warnings are printed).
#include "test_support.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <memory>

namespace fs = std::filesystem;

namespace {

struct Run {
  int exit_code = -1;
  QString out;
  QString err;
};

Run run(const QString& program, const QStringList& args, int timeout_ms) {
  QProcess p;
  p.start(program, args);
  Run r;
  if (!p.waitForStarted()) {
    r.err = program + ": could not start";
    return r;
  }
  if (!p.waitForFinished(timeout_ms)) {
    p.kill();
    p.waitForFinished();
    r.err = program + ": timed out";
    return r;
  }
  r.out = QString::fromUtf8(p.readAllStandardOutput());
  r.err = QString::fromUtf8(p.readAllStandardError());
  r.exit_code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
  return r;
}

}  // namespace

class TestDebianPackage : public QObject {
  Q_OBJECT
  std::unique_ptr<QTemporaryDir> out_;
  QString deb_;

private slots:
  void initTestCase() {
    // DC_CLI_PATH is <build>/app/cli/drivecurator-cli.
    const fs::path build = fs::path(DC_CLI_PATH).parent_path().parent_path().parent_path();
    const QString config = QString::fromStdString((build / "CPackConfig.cmake").string());
    QVERIFY2(QFileInfo::exists(config), qPrintable(config + " is missing"));
    if (!fs::exists(build / "app" / "gui" / "drivecurator"))
      QSKIP("built without the GUI (DC_BUILD_GUI=OFF): no desktop package to check");
    for (const char* tool : {"cpack", "dpkg-deb", "dpkg-shlibdeps", "lintian"})
      QVERIFY2(!QStandardPaths::findExecutable(tool).isEmpty(),
               qPrintable(QString("%1 not found: run installers/debian/install-deps.sh").arg(tool)));

    out_ = std::make_unique<QTemporaryDir>(QDir::tempPath() + "/dc-debian-package-XXXXXX");
    QVERIFY(out_->isValid());
    QElapsedTimer timer;
    timer.start();
    const Run r = run("cpack", {"-G", "DEB", "--config", config, "-B", out_->path()}, 240'000);
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    const QStringList debs = QDir(out_->path()).entryList({"drivecurator_*_*.deb"}, QDir::Files);
    QVERIFY2(debs.size() == 1, qPrintable(r.out));
    deb_ = out_->filePath(debs.front());
    qInfo("cpack: %s in %.1f s", qPrintable(debs.front()), timer.elapsed() / 1000.0);
  }

  void holdsProgramsLibrariesAndDesktopFiles() {
    const Run r = run("dpkg-deb", {"-c", deb_}, 60'000);
    QVERIFY2(r.exit_code == 0, qPrintable(r.err));
    QStringList paths;
    for (const QString& line : r.out.split('\n', Qt::SkipEmptyParts)) {
      // drwxr-xr-x root/root         0 2026-11-30 04:51 ./usr/bin/
      const QStringList fields = line.split(QRegularExpression("\\s+"), Qt::SkipEmptyParts);
      QVERIFY2(fields.size() >= 6, qPrintable(line));
      QString path = fields[5];
      if (path.startsWith('.'))
        path.remove(0, 1);
      paths << path;
      QVERIFY2(fields[1] == "root/root", qPrintable(line));
    }
    // This project's libraries are private to the package: /usr/lib/<multiarch>/drivecurator.
    for (const char* library : {"libdc_core.so", "libdc_gpu.so", "libdc_synth.so", "libdc_widgets.so"}) {
      const QRegularExpression private_lib(QString("^/usr/lib/([a-z0-9_-]+/)?drivecurator/%1$").arg(library));
      QVERIFY2(!paths.filter(private_lib).isEmpty(), qPrintable(QString("%1 not in the package:\n%2").arg(library, r.out)));
    }
    for (const char* expected :
         {"/usr/bin/drivecurator", "/usr/bin/drivecurator-cli", "/usr/share/applications/drivecurator.desktop", "/usr/share/icons/hicolor/scalable/apps/drivecurator.svg",
          "/usr/share/metainfo/org.drivecurator.DriveCurator.metainfo.xml", "/usr/share/doc/drivecurator/copyright",
          "/usr/share/doc/drivecurator/changelog.gz", "/usr/share/man/man1/drivecurator-cli.1.gz"})
      QVERIFY2(paths.contains(expected), qPrintable(QString("%1 not in the package:\n%2").arg(expected, r.out)));
  }

  void dependsOnQtAndVtk() {
    const Run r = run("dpkg-deb", {"-f", deb_, "Package", "Version", "Architecture", "Depends", "Suggests"}, 60'000);
    QVERIFY2(r.exit_code == 0, qPrintable(r.err));
    qInfo("%s", qPrintable(r.out));
    const QRegularExpression depends_line("^Depends: (.+)$", QRegularExpression::MultilineOption);
    const auto m = depends_line.match(r.out);
    QVERIFY2(m.hasMatch(), qPrintable(r.out));
    const QString depends = m.captured(1);
    for (const char* package : {"libqt6widgets6", "libqt6openglwidgets6", "libvtk9.1", "libopencv-core", "libc6",
                                "qt6-qpa-plugins"})
      QVERIFY2(depends.contains(package), qPrintable(QString("%1 not in Depends: %2").arg(package, depends)));
    QVERIFY2(r.out.contains(QRegularExpression("^Suggests: .*slurm-client", QRegularExpression::MultilineOption)),
             qPrintable(r.out));
  }

  void desktopEntryAndMetainfoValidate() {
    const QString resources = QString::fromStdString(dc::test::resources_dir().string());
    if (QStandardPaths::findExecutable("appstreamcli").isEmpty() ||
        QStandardPaths::findExecutable("desktop-file-validate").isEmpty())
      QSKIP("appstreamcli or desktop-file-validate missing: run installers/debian/install-deps.sh");
    Run r = run("appstreamcli", {"validate", "--no-net", resources + "/drivecurator.metainfo.xml"}, 60'000);
    QVERIFY2(r.exit_code == 0, qPrintable(r.out + r.err));
    r = run("desktop-file-validate", {resources + "/drivecurator.desktop"}, 60'000);
    QVERIFY2(r.exit_code == 0 && r.out.isEmpty(), qPrintable(r.out + r.err));
  }

  void lintianFindsNoError() {
    QElapsedTimer timer;
    timer.start();
    const Run r = run("lintian", {"--tag-display-limit", "0", "--allow-root", deb_}, 180'000);
    QVERIFY2(r.exit_code >= 0, qPrintable(r.err));
    qInfo("lintian (%.1f s, exit %d):\n%s%s", timer.elapsed() / 1000.0, r.exit_code, qPrintable(r.out),
          qPrintable(r.err));
    QStringList errors;
    for (const QString& line : r.out.split('\n', Qt::SkipEmptyParts))
      if (line.startsWith("E: "))
        errors << line;
    QVERIFY2(errors.isEmpty(), qPrintable(errors.join('\n')));
  }
};

QTEST_GUILESS_MAIN(TestDebianPackage)
#include "tst_debian_package.moc"
