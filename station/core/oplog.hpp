#pragma once
// The operations log: one line when a command starts, one when it ends (exit code, acting user),
// and every error a command reports — to syslog (journald picks it up) through spdlog, and also
// to stderr with --verbose. It carries no patient data: the command line and error messages only.
// Single-threaded: used by the command line's thread.

#include <string>

namespace odyo::station::oplog {

void open();     // syslog sink, ident "odyospiro"
void verbose();  // add a stderr sink (--verbose)
void started(const std::string& command_line);
void finished(const std::string& user, int exit_code);
void error(const std::string& code, const std::string& message);
// One web request: method, path (never the query or the body) and the acting user.
void info(const std::string& message);

}  // namespace odyo::station::oplog
