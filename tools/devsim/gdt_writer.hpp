#pragma once
// GDT writer: plays the vendor's device software that returns results through a GDT folder
// (reference/devices/gdt-2.1.md): builds 6310 files with the codec and writes them atomically
// (temporary name + rename, as the spec asks) or badly (in place, in two halves with a pause —
// what some partners do), for tests, training and the demo.
// Thread-safety: free functions.

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "drivers/codec/gdt.hpp"

namespace odyo::devsim {

struct GdtTestResult {
  std::string ident, name, value, unit;
};

// A 6310 "examination data" record for one patient with test blocks (8410/8411/8420/8421).
codec::Bytes make_gdt_result(const std::string& patient_id, const std::string& surname,
                             const std::vector<GdtTestResult>& tests,
                             codec::Charset charset = codec::Charset::cp437);

enum class GdtWriteMode { atomic, in_place_two_halves };

// Writes `bytes` as folder/name. in_place_two_halves writes the first half, waits `pause`,
// then appends the rest (a reader must not take the half file). False + message on failure.
bool write_gdt_file(const std::filesystem::path& folder, const std::string& name,
                    const codec::Bytes& bytes, GdtWriteMode mode,
                    std::chrono::milliseconds pause = std::chrono::milliseconds(0),
                    std::string* why = nullptr);

// One GDT line: 3-digit length (including CR LF), 4-digit field id, content, CR LF (§2).
codec::Bytes gdt_line(int field_id, const std::string& content_bytes);

}  // namespace odyo::devsim
