#pragma once
// A private sshd on 127.0.0.1 for tests of the ssh hop: its own host key, client key, authorized_keys, config and
// pid file in a temporary folder it owns, on a free port. Environment variables given to the constructor are set
// for every remote command (sshd_config SetEnv), e.g. SLURM_CONF of a SlurmTestCluster. When it cannot start
// (no /usr/sbin/sshd, not root, ...) ok() is false and skip_reason() says why. The destructor stops sshd by pid.
//
//   dc::test::SshTestServer ssh(cluster.env_vars());
//   if (!ssh.ok()) QSKIP(qPrintable(ssh.skip_reason()));
//   QStringList argv = ssh.ssh_prefix();                    // {"ssh", "-F", CONFIG, "dctest"}
//   argv << "sbatch --parsable " + dc::test::SshTestServer::shell_quote(script);
#include "test_support.h"

#include <QString>
#include <QStringList>

#include <map>
#include <memory>
#include <string>

class QProcess;
class QTemporaryDir;

namespace dc::test {

class SshTestServer {
 public:
  // env: variables every remote command sees. root_dir: empty = a fresh QTemporaryDir the server owns.
  explicit SshTestServer(const std::map<std::string, std::string>& env = {}, const QString& root_dir = {});
  ~SshTestServer();
  SshTestServer(const SshTestServer&) = delete;
  SshTestServer& operator=(const SshTestServer&) = delete;

  bool ok() const { return ok_; }
  QString skip_reason() const { return skip_reason_; }

  // The client's argument vector up to the remote command: {"ssh", "-F", client_config(), host_alias()}.
  // The client config's Host block sets HostName 127.0.0.1, Port, User, IdentityFile, BatchMode yes,
  // StrictHostKeyChecking no and UserKnownHostsFile /dev/null. Append ONE remote command string, quoted for the
  // remote (POSIX) shell with shell_quote().
  QStringList ssh_prefix() const;
  QString host_alias() const { return QStringLiteral("dctest"); }
  QString client_config() const { return client_config_; }
  QString identity_file() const { return identity_; }
  QString user() const { return user_; }
  int port() const { return port_; }
  QString root() const { return root_; }
  double start_seconds() const { return start_seconds_; }  // constructor until `ssh ... true` succeeded

  // Runs ssh_prefix() + remote_command (argument vector, no local shell).
  CommandResult run(const QString& remote_command, int timeout_ms = 30000) const;
  // 'text' with embedded single quotes escaped: one word for a POSIX shell.
  static QString shell_quote(const QString& text);
  QString log_tail(int lines = 30) const;

  void stop();  // SIGTERM (then SIGKILL) to sshd's pid; idempotent; also done by the destructor

 private:
  bool start(const std::map<std::string, std::string>& env);
  bool fail(const QString& reason);

  std::unique_ptr<QTemporaryDir> temp_;
  QString root_, client_config_, identity_, user_;
  int port_ = 0;
  bool ok_ = false;
  QString skip_reason_;
  double start_seconds_ = 0;
  std::unique_ptr<QProcess> sshd_;
};

}  // namespace dc::test
