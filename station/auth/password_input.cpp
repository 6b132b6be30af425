#include "station/auth/password_input.hpp"

#include <fcntl.h>
#include <termios.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace odyo::station {

std::optional<std::string> prompt_no_echo(const std::string& prompt) {
  if (::isatty(STDIN_FILENO) == 0) return std::nullopt;
  const int fd = ::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  (void)!::write(fd, prompt.data(), prompt.size());
  termios old{};
  const bool have = ::tcgetattr(fd, &old) == 0;
  if (have) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    quiet.c_lflag |= ECHONL;
    ::tcsetattr(fd, TCSAFLUSH, &quiet);
  }
  std::string line;
  char c = 0;
  bool got = false;
  while (::read(fd, &c, 1) == 1) {
    got = true;
    if (c == '\n' || c == '\r') break;
    line.push_back(c);
  }
  if (have) ::tcsetattr(fd, TCSAFLUSH, &old);
  ::close(fd);
  if (!got) return std::nullopt;
  return line;
}

std::optional<std::string> read_password(const std::string& prompt) {
  if (const char* p = std::getenv("ODYOSPIRO_PASSWORD"); p != nullptr) return std::string(p);
  return prompt_no_echo(prompt);
}

std::optional<std::string> read_new_password(const char* env_var, const std::string& prompt,
                                             const i18n::Catalog& c) {
  if (const char* p = std::getenv(env_var); p != nullptr) return std::string(p);
  if (::isatty(STDIN_FILENO) != 0) {
    auto a = prompt_no_echo(prompt);
    if (!a) return std::nullopt;
    auto b = prompt_no_echo(c.trf("(again) {}", prompt));
    if (!b || *a != *b) {
      std::cerr << c.tr("odyospiro: the two passwords differ\n");
      return std::nullopt;
    }
    return a;
  }
  std::string line;
  if (!std::getline(std::cin, line)) return std::nullopt;
  return line;
}

}  // namespace odyo::station
