#include "tools/devsim/gdt_writer.hpp"

#include <cstdio>
#include <fstream>
#include <thread>

#include "drivers/transport/folder_watcher.hpp"

namespace odyo::devsim {

codec::Bytes make_gdt_result(const std::string& patient_id, const std::string& surname,
                             const std::vector<GdtTestResult>& tests, codec::Charset charset) {
  std::vector<codec::gdt::FieldOut> f = {
      {8315, "ODYOSPIR"}, {8316, "SPIRO001"}, {9218, "02.10"}, {3000, patient_id}, {3101, surname}};
  for (const auto& t : tests) {
    f.push_back({8410, t.ident});
    if (!t.name.empty()) f.push_back({8411, t.name});
    f.push_back({8420, t.value});
    if (!t.unit.empty()) f.push_back({8421, t.unit});
  }
  auto b = codec::gdt::write(codec::gdt::kExaminationData, f, charset);
  return b ? b.value() : codec::Bytes{};
}

codec::Bytes gdt_line(int field_id, const std::string& content_bytes) {
  char head[16];
  std::snprintf(head, sizeof head, "%03zu%04d", content_bytes.size() + 9, field_id);
  const std::string line = std::string(head) + content_bytes + "\r\n";
  return codec::Bytes(line.begin(), line.end());
}

bool write_gdt_file(const std::filesystem::path& folder, const std::string& name,
                    const codec::Bytes& bytes, GdtWriteMode mode, std::chrono::milliseconds pause,
                    std::string* why) {
  if (mode == GdtWriteMode::atomic) {
    auto st = drivers::write_atomically(folder, name, bytes);
    if (!st && why) *why = st.error().message;
    return st.ok();
  }
  const auto half = static_cast<std::streamsize>(bytes.size() / 2);
  {
    std::ofstream out(folder / name, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(bytes.data()), half);
  }
  std::this_thread::sleep_for(pause);
  std::ofstream out(folder / name, std::ios::binary | std::ios::app);
  out.write(reinterpret_cast<const char*>(bytes.data()) + half,
            static_cast<std::streamsize>(bytes.size()) - half);
  if (!out && why) *why = "cannot write " + (folder / name).string();
  return static_cast<bool>(out);
}

}  // namespace odyo::devsim
