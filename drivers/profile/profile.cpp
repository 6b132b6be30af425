#include "drivers/profile/profile.hpp"

#include <set>

namespace odyo::profile {

const ProfileNode* ProfileNode::get(std::string_view key) const {
  const auto* t = std::get_if<Table>(&value);
  if (t == nullptr) return nullptr;
  auto it = t->find(key);
  return it == t->end() ? nullptr : &it->second;
}

std::string_view to_string(TransportKind k) {
  switch (k) {
    case TransportKind::usb_bulk:
      return "usb_bulk";
    case TransportKind::serial:
      return "serial";
    case TransportKind::bluetooth_spp:
      return "bluetooth_spp";
    case TransportKind::gdt_folder:
      return "gdt_folder";
  }
  return "?";
}

std::string format(const ProfileError& e, std::string_view source) {
  // The message already names the source and the key path; `source` is used only if it is not
  // there (errors built by hand).
  if (!source.empty() && e.message.rfind(std::string(source), 0) != 0)
    return std::string(source) + ": " + e.message;
  return e.message;
}

namespace {

std::string join(std::string_view path, std::string_view key) {
  return path.empty() ? std::string(key) : std::string(path) + "." + std::string(key);
}

// Collects the first error; getters return a default after an error so parsing code stays flat.
// Unknown keys in a checked table are errors too (a typo must not be silently ignored).
class Reader {
 public:
  explicit Reader(std::string_view source) : source_(source) {}

  void fail(std::string path, std::string message) {
    if (!error_) error_ = ProfileError{std::move(path), std::move(message)};
  }
  [[nodiscard]] bool failed() const { return error_.has_value(); }
  [[nodiscard]] ProfileError error() const {
    ProfileError e = *error_;
    e.message = std::string(source_) + ": " + (e.path.empty() ? "" : e.path + ": ") + e.message;
    return e;
  }

  const ProfileNode* table(const ProfileNode& parent, std::string_view path, std::string_view key,
                           bool required) {
    const ProfileNode* n = parent.get(key);
    if (n == nullptr) {
      if (required) fail(join(path, key), "missing table [" + join(path, key) + "]");
      return nullptr;
    }
    if (!n->is_table()) {
      fail(join(path, key), "must be a table");
      return nullptr;
    }
    return n;
  }

  void only_keys(const ProfileNode* t, std::string_view path,
                 std::initializer_list<std::string_view> allowed) {
    if (t == nullptr) return;
    const auto* tab = std::get_if<ProfileNode::Table>(&t->value);
    if (tab == nullptr) return;
    for (const auto& [k, v] : *tab) {
      bool ok = false;
      for (auto a : allowed) ok = ok || a == k;
      if (!ok) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(join(path, k), "unknown key (allowed here: " + list + ")");
      }
    }
  }

  std::optional<std::string> str(const ProfileNode* t, std::string_view path, std::string_view key,
                                 bool required) {
    const ProfileNode* n = t ? t->get(key) : nullptr;
    if (n == nullptr) {
      if (required) fail(join(path, key), "missing (a string is required)");
      return std::nullopt;
    }
    if (const auto* s = std::get_if<std::string>(&n->value)) return *s;
    fail(join(path, key), "must be a string");
    return std::nullopt;
  }

  std::optional<std::int64_t> integer(const ProfileNode* t, std::string_view path,
                                      std::string_view key, bool required, std::int64_t lo,
                                      std::int64_t hi) {
    const ProfileNode* n = t ? t->get(key) : nullptr;
    if (n == nullptr) {
      if (required) fail(join(path, key), "missing (an integer is required)");
      return std::nullopt;
    }
    const auto* i = std::get_if<std::int64_t>(&n->value);
    if (i == nullptr) {
      fail(join(path, key), "must be an integer");
      return std::nullopt;
    }
    if (*i < lo || *i > hi) {
      fail(join(path, key), "value " + std::to_string(*i) + " is outside " + std::to_string(lo) +
                                "…" + std::to_string(hi));
      return std::nullopt;
    }
    return *i;
  }

  std::optional<double> number(const ProfileNode* t, std::string_view path, std::string_view key,
                               bool required, double lo, double hi) {
    const ProfileNode* n = t ? t->get(key) : nullptr;
    if (n == nullptr) {
      if (required) fail(join(path, key), "missing (a number is required)");
      return std::nullopt;
    }
    double v = 0;
    if (const auto* i = std::get_if<std::int64_t>(&n->value)) {
      v = static_cast<double>(*i);
    } else if (const auto* d = std::get_if<double>(&n->value)) {
      v = *d;
    } else {
      fail(join(path, key), "must be a number");
      return std::nullopt;
    }
    if (!(v >= lo && v <= hi)) {
      fail(join(path, key), "value " + std::to_string(v) + " is outside " + std::to_string(lo) +
                                "…" + std::to_string(hi));
      return std::nullopt;
    }
    return v;
  }

  std::optional<bool> boolean(const ProfileNode* t, std::string_view path, std::string_view key,
                              bool required) {
    const ProfileNode* n = t ? t->get(key) : nullptr;
    if (n == nullptr) {
      if (required) fail(join(path, key), "missing (true or false is required)");
      return std::nullopt;
    }
    if (const auto* b = std::get_if<bool>(&n->value)) return *b;
    fail(join(path, key), "must be true or false");
    return std::nullopt;
  }

  std::optional<codec::Bytes> bytes(const ProfileNode* t, std::string_view path,
                                    std::string_view key, bool required) {
    const ProfileNode* n = t ? t->get(key) : nullptr;
    if (n == nullptr) {
      if (required) fail(join(path, key), "missing (an array of byte values is required)");
      return std::nullopt;
    }
    const auto* a = std::get_if<ProfileNode::Array>(&n->value);
    if (a == nullptr) {
      fail(join(path, key), "must be an array of byte values, e.g. [0x4F, 0x46]");
      return std::nullopt;
    }
    codec::Bytes out;
    for (std::size_t i = 0; i < a->size(); ++i) {
      const auto* v = std::get_if<std::int64_t>(&(*a)[i].value);
      if (v == nullptr || *v < 0 || *v > 255) {
        fail(join(path, key) + "[" + std::to_string(i) + "]", "must be an integer 0…255");
        return std::nullopt;
      }
      out.push_back(static_cast<std::uint8_t>(*v));
    }
    return out;
  }

  std::vector<std::string> strings(const ProfileNode* t, std::string_view path,
                                   std::string_view key) {
    std::vector<std::string> out;
    const ProfileNode* n = t ? t->get(key) : nullptr;
    if (n == nullptr) return out;
    const auto* a = std::get_if<ProfileNode::Array>(&n->value);
    if (a == nullptr) {
      fail(join(path, key), "must be an array of strings");
      return out;
    }
    for (const auto& e : *a) {
      if (const auto* s = std::get_if<std::string>(&e.value)) {
        out.push_back(*s);
      } else {
        fail(join(path, key), "must be an array of strings");
        return {};
      }
    }
    return out;
  }

 private:
  std::string source_;
  std::optional<ProfileError> error_;
};

DeviceInfo read_device(Reader& r, const ProfileNode& root, std::string_view expected_family) {
  DeviceInfo d;
  const ProfileNode* dev = r.table(root, "", "device", true);
  r.only_keys(dev, "device", {"id", "name", "family", "verified", "unverified", "source"});
  d.id = r.str(dev, "device", "id", true).value_or("");
  d.name = r.str(dev, "device", "name", true).value_or("");
  d.family = r.str(dev, "device", "family", true).value_or("");
  d.verified = r.boolean(dev, "device", "verified", true).value_or(false);
  d.unverified = r.strings(dev, "device", "unverified");
  d.source = r.str(dev, "device", "source", false).value_or("");
  if (!r.failed() && !expected_family.empty() && d.family != expected_family)
    r.fail("device.family", "is \"" + d.family + "\", expected \"" + std::string(expected_family) +
                                "\" for this parser");
  if (!r.failed() && d.verified && !d.unverified.empty())
    r.fail("device.verified",
           "is true but device.unverified still lists keys; confirm them or "
           "set verified = false");
  return d;
}

SerialSettings read_serial(Reader& r, const ProfileNode* t, std::string_view path) {
  SerialSettings s;
  s.baud = static_cast<unsigned>(r.integer(t, path, "baud", true, 50, 4'000'000).value_or(115200));
  s.data_bits = static_cast<unsigned>(r.integer(t, path, "data_bits", false, 5, 8).value_or(8));
  const std::string parity = r.str(t, path, "parity", false).value_or("none");
  if (parity == "none")
    s.parity = 'N';
  else if (parity == "even")
    s.parity = 'E';
  else if (parity == "odd")
    s.parity = 'O';
  else
    r.fail(join(path, "parity"), "must be \"none\", \"even\" or \"odd\"");
  s.stop_bits = static_cast<unsigned>(r.integer(t, path, "stop_bits", false, 1, 2).value_or(1));
  s.flow_control = r.str(t, path, "flow_control", false).value_or("none");
  if (s.flow_control != "none" && s.flow_control != "xon_xoff" && s.flow_control != "rts_cts")
    r.fail(join(path, "flow_control"), "must be \"none\", \"xon_xoff\" or \"rts_cts\"");
  if (auto v = r.integer(t, path, "usb_vendor_id", false, 0, 0xFFFF))
    s.usb_vendor_id = static_cast<std::uint16_t>(*v);
  if (auto v = r.integer(t, path, "usb_product_id", false, 0, 0xFFFF))
    s.usb_product_id = static_cast<std::uint16_t>(*v);
  return s;
}

std::optional<codec::FieldSpec> read_field(Reader& r, const ProfileNode& n, const std::string& path,
                                           codec::ByteOrder frame_order) {
  if (!n.is_table()) {
    r.fail(path, "must be a table like { role = \"flow_raw\", type = \"u16\" }");
    return std::nullopt;
  }
  r.only_keys(&n, path, {"role", "type", "byte_order", "bytes"});
  codec::FieldSpec f;
  f.byte_order = frame_order;
  const std::string role = r.str(&n, path, "role", true).value_or("");
  if (r.failed()) return std::nullopt;
  auto parsed = codec::field_role_from_name(role);
  if (!parsed) {
    r.fail(join(path, "role"), "\"" + role +
                                   "\" is not one of sync, sequence, status, reserved, flow_raw, "
                                   "word_crc, checksum");
    return std::nullopt;
  }
  f.role = *parsed;
  if (f.role == codec::FieldRole::sync) {
    f.sync_bytes = r.bytes(&n, path, "bytes", true).value_or(codec::Bytes{});
    if (!r.failed() && f.sync_bytes.empty()) r.fail(join(path, "bytes"), "must not be empty");
    f.width_bytes = f.sync_bytes.size();
    return f;
  }
  const std::string type = r.str(&n, path, "type", true).value_or("");
  if (type == "u8")
    f.width_bytes = 1;
  else if (type == "u16")
    f.width_bytes = 2;
  else if (type == "u32")
    f.width_bytes = 4;
  else if (!r.failed())
    r.fail(join(path, "type"), "\"" + type + "\" is not one of u8, u16, u32");
  if (auto bo = r.str(&n, path, "byte_order", false)) {
    if (*bo == "little")
      f.byte_order = codec::ByteOrder::little;
    else if (*bo == "big")
      f.byte_order = codec::ByteOrder::big;
    else
      r.fail(join(path, "byte_order"), "must be \"little\" or \"big\"");
  }
  return f;
}

std::vector<codec::FieldSpec> read_fields(Reader& r, const ProfileNode* frame, std::string_view key,
                                          codec::ByteOrder order, bool required) {
  std::vector<codec::FieldSpec> out;
  const std::string path = join("frame", key);
  const ProfileNode* n = frame ? frame->get(key) : nullptr;
  if (n == nullptr) {
    if (required) r.fail(path, "missing (an array of field tables is required)");
    return out;
  }
  const auto* a = std::get_if<ProfileNode::Array>(&n->value);
  if (a == nullptr) {
    r.fail(path, "must be an array of field tables");
    return out;
  }
  for (std::size_t i = 0; i < a->size() && !r.failed(); ++i)
    if (auto f = read_field(r, (*a)[i], path + "[" + std::to_string(i) + "]", order))
      out.push_back(*f);
  return out;
}

}  // namespace

ProfileResult<FlowStreamProfile> parse_flow_stream_profile(const ProfileNode& root,
                                                           std::string_view source) {
  Reader r(source);
  FlowStreamProfile p;
  if (!root.is_table()) return ProfileError{"", std::string(source) + ": not a table"};
  r.only_keys(&root, "", {"device", "transport", "sensor", "stream", "frame", "status_bits"});
  p.device = read_device(r, root, "flow_stream");

  const ProfileNode* tr = r.table(root, "", "transport", true);
  const std::string kind = r.str(tr, "transport", "kind", true).value_or("");
  if (kind == "usb_bulk") {
    p.transport = TransportKind::usb_bulk;
    r.only_keys(tr, "transport",
                {"kind", "vendor_id", "product_id", "interface", "endpoint_in", "endpoint_out",
                 "transfer_bytes"});
    p.usb.vendor_id = static_cast<std::uint16_t>(
        r.integer(tr, "transport", "vendor_id", true, 0, 0xFFFF).value_or(0));
    p.usb.product_id = static_cast<std::uint16_t>(
        r.integer(tr, "transport", "product_id", true, 0, 0xFFFF).value_or(0));
    p.usb.interface_number =
        static_cast<int>(r.integer(tr, "transport", "interface", false, 0, 255).value_or(0));
    p.usb.endpoint_in = static_cast<std::uint8_t>(
        r.integer(tr, "transport", "endpoint_in", true, 0x81, 0x8F).value_or(0x81));
    p.usb.endpoint_out = static_cast<std::uint8_t>(
        r.integer(tr, "transport", "endpoint_out", false, 0x01, 0x0F).value_or(0x01));
    p.usb.transfer_bytes = static_cast<std::size_t>(
        r.integer(tr, "transport", "transfer_bytes", false, 64, 65536).value_or(512));
  } else if (kind == "serial") {
    p.transport = TransportKind::serial;
    r.only_keys(tr, "transport",
                {"kind", "baud", "data_bits", "parity", "stop_bits", "flow_control",
                 "usb_vendor_id", "usb_product_id"});
    p.serial = read_serial(r, tr, "transport");
  } else if (!r.failed()) {
    r.fail("transport.kind", "\"" + kind + "\" is not usb_bulk or serial");
  }

  const ProfileNode* sensor = r.table(root, "", "sensor", true);
  r.only_keys(sensor, "sensor",
              {"model", "flow_offset", "flow_scale", "flow_unit", "raw_min_valid", "raw_max_valid",
               "discard_first_samples"});
  p.sensor_model = r.str(sensor, "sensor", "model", true).value_or("");
  p.scaling.offset = r.number(sensor, "sensor", "flow_offset", true, 0, 65535).value_or(0);
  p.scaling.scale = r.number(sensor, "sensor", "flow_scale", true, 1e-6, 1e9).value_or(1);
  const std::string unit = r.str(sensor, "sensor", "flow_unit", true).value_or("slm");
  if (unit == "slm" || unit == "lpm")
    p.scaling.unit_per_lps = 60.0;
  else if (unit == "lps")
    p.scaling.unit_per_lps = 1.0;
  else if (unit == "mlps")
    p.scaling.unit_per_lps = 1000.0;
  else if (!r.failed())
    r.fail("sensor.flow_unit", "\"" + unit + "\" is not slm, lpm, lps or mlps");
  p.scaling.raw_min_valid = static_cast<std::uint16_t>(
      r.integer(sensor, "sensor", "raw_min_valid", false, 0, 65535).value_or(0));
  p.scaling.raw_max_valid = static_cast<std::uint16_t>(
      r.integer(sensor, "sensor", "raw_max_valid", false, 0, 65535).value_or(65535));
  if (!r.failed() && p.scaling.raw_min_valid >= p.scaling.raw_max_valid)
    r.fail("sensor.raw_min_valid", "must be below sensor.raw_max_valid");
  p.discard_first_samples = static_cast<std::size_t>(
      r.integer(sensor, "sensor", "discard_first_samples", false, 0, 1000).value_or(0));

  const ProfileNode* stream = r.table(root, "", "stream", true);
  r.only_keys(stream, "stream",
              {"sample_rate_hz", "samples_per_frame", "start_command", "stop_command"});
  p.sample_rate_hz = r.number(stream, "stream", "sample_rate_hz", true, 1, 100000).value_or(1000);
  p.layout.samples_per_frame = static_cast<std::size_t>(
      r.integer(stream, "stream", "samples_per_frame", true, 1, 1000).value_or(1));
  p.start_command = r.bytes(stream, "stream", "start_command", false).value_or(codec::Bytes{});
  p.stop_command = r.bytes(stream, "stream", "stop_command", false).value_or(codec::Bytes{});

  const ProfileNode* frame = r.table(root, "", "frame", true);
  r.only_keys(frame, "frame",
              {"byte_order", "header", "sample", "trailer", "checksum", "word_crc", "sequence"});
  codec::ByteOrder order = codec::ByteOrder::little;
  if (auto bo = r.str(frame, "frame", "byte_order", false)) {
    if (*bo == "big")
      order = codec::ByteOrder::big;
    else if (*bo != "little")
      r.fail("frame.byte_order", "must be \"little\" or \"big\"");
  }
  if (!r.failed()) {
    p.layout.header = read_fields(r, frame, "header", order, true);
    p.layout.sample = read_fields(r, frame, "sample", order, true);
    p.layout.trailer = read_fields(r, frame, "trailer", order, false);
  }
  if (const ProfileNode* ck = frame ? r.table(*frame, "frame", "checksum", false) : nullptr) {
    r.only_keys(ck, "frame.checksum", {"algorithm", "covers_sync", "polynomial", "init"});
    const std::string alg = r.str(ck, "frame.checksum", "algorithm", true).value_or("none");
    if (auto c = codec::frame_checksum_from_name(alg))
      p.layout.checksum = *c;
    else if (!r.failed())
      r.fail("frame.checksum.algorithm", "\"" + alg +
                                             "\" is not one of none, sum8, xor8, crc8, "
                                             "crc16_ccitt_false, crc16_modbus");
    p.layout.checksum_covers_sync =
        r.boolean(ck, "frame.checksum", "covers_sync", false).value_or(false);
    p.layout.crc8_polynomial = static_cast<std::uint8_t>(
        r.integer(ck, "frame.checksum", "polynomial", false, 1, 255).value_or(0x31));
    p.layout.crc8_init = static_cast<std::uint8_t>(
        r.integer(ck, "frame.checksum", "init", false, 0, 255).value_or(0));
  }
  if (frame != nullptr) {
    if (const ProfileNode* wc = r.table(*frame, "frame", "word_crc", false)) {
      r.only_keys(wc, "frame.word_crc", {"polynomial", "init"});
      p.layout.word_crc = true;
      p.layout.word_crc_polynomial = static_cast<std::uint8_t>(
          r.integer(wc, "frame.word_crc", "polynomial", true, 1, 255).value_or(0x31));
      p.layout.word_crc_init = static_cast<std::uint8_t>(
          r.integer(wc, "frame.word_crc", "init", true, 0, 255).value_or(0));
    }
    if (const ProfileNode* sq = r.table(*frame, "frame", "sequence", false)) {
      r.only_keys(sq, "frame.sequence", {"bits", "step", "counts"});
      p.layout.has_sequence = true;
      p.layout.sequence_bits =
          static_cast<unsigned>(r.integer(sq, "frame.sequence", "bits", true, 1, 32).value_or(16));
      p.layout.sequence_step = static_cast<std::uint64_t>(
          r.integer(sq, "frame.sequence", "step", true, 1, 1'000'000).value_or(1));
      const std::string counts = r.str(sq, "frame.sequence", "counts", true).value_or("frames");
      if (counts == "samples")
        p.layout.sequence_counts_samples = true;
      else if (counts != "frames" && !r.failed())
        r.fail("frame.sequence.counts", "must be \"frames\" or \"samples\"");
    }
  }
  if (const ProfileNode* sb = r.table(root, "", "status_bits", false)) {
    for (const auto& [k, v] : std::get<ProfileNode::Table>(sb->value)) {
      char* end = nullptr;
      const long bit = std::strtol(k.c_str(), &end, 10);
      const auto* text = std::get_if<std::string>(&v.value);
      if (k.empty() || *end != '\0' || bit < 0 || bit > 31 || text == nullptr) {
        r.fail("status_bits." + k, "keys are bit numbers \"0\"…\"31\", values are texts");
        break;
      }
      p.status_bits[static_cast<unsigned>(bit)] = *text;
    }
  }
  if (r.failed()) return r.error();

  if (auto v = p.layout.validate(); !v)
    return ProfileError{"frame", std::string(source) + ": frame: " + v.error().message};
  if (p.layout.has_sequence && p.layout.sequence_counts_samples &&
      p.layout.sequence_step != p.layout.samples_per_frame)
    return ProfileError{"frame.sequence.step",
                        std::string(source) +
                            ": frame.sequence.step: a counter of samples must advance by "
                            "stream.samples_per_frame per frame"};
  return p;
}

ProfileResult<FippProfile> parse_fipp_profile(const ProfileNode& root, std::string_view source) {
  Reader r(source);
  FippProfile p;
  if (!root.is_table()) return ProfileError{"", std::string(source) + ": not a table"};
  r.only_keys(&root, "", {"device", "transport", "fipp", "flow_control", "registers"});
  p.device = read_device(r, root, "fipp");
  const ProfileNode* tr = r.table(root, "", "transport", true);
  r.only_keys(tr, "transport",
              {"kind", "baud", "data_bits", "parity", "stop_bits", "flow_control", "usb_vendor_id",
               "usb_product_id"});
  if (r.str(tr, "transport", "kind", true).value_or("serial") != "serial" && !r.failed())
    r.fail("transport.kind", "FIPP on the FA1x is RS-232: must be \"serial\"");
  p.serial = read_serial(r, tr, "transport");

  p.config = codec::fipp::FippConfig::placeholder_defaults();
  const ProfileNode* f = r.table(root, "", "fipp", true);
  r.only_keys(f, "fipp", {"carry_rule", "max_data_words", "no_poll_timeout_ms", "keep_alive_ms"});
  const std::string carry = r.str(f, "fipp", "carry_rule", true).value_or("discard");
  if (auto c = codec::fipp::carry_rule_from_name(carry))
    p.config.carry_rule = *c;
  else if (!r.failed())
    r.fail("fipp.carry_rule", "must be \"discard\", \"end_around\" or \"either\"");
  p.config.max_data_words =
      static_cast<std::size_t>(r.integer(f, "fipp", "max_data_words", false, 1, 4096).value_or(64));
  p.no_poll_timeout = std::chrono::milliseconds(
      r.integer(f, "fipp", "no_poll_timeout_ms", false, 100, 600000).value_or(5000));
  p.keep_alive = std::chrono::milliseconds(
      r.integer(f, "fipp", "keep_alive_ms", false, 10, 60000).value_or(250));

  const ProfileNode* fc = r.table(root, "", "flow_control", true);
  r.only_keys(fc, "flow_control", {"poll", "ack", "nak", "skip_poll", "quick_terminate"});
  p.config.poll = r.bytes(fc, "flow_control", "poll", true).value_or(codec::Bytes{});
  p.config.ack = r.bytes(fc, "flow_control", "ack", true).value_or(codec::Bytes{});
  p.config.nak = r.bytes(fc, "flow_control", "nak", true).value_or(codec::Bytes{});
  p.config.skip_poll = r.bytes(fc, "flow_control", "skip_poll", true).value_or(codec::Bytes{});
  p.config.quick_terminate =
      r.bytes(fc, "flow_control", "quick_terminate", true).value_or(codec::Bytes{});
  if (!r.failed()) {
    const codec::Bytes* all[] = {&p.config.poll, &p.config.ack, &p.config.nak, &p.config.skip_poll,
                                 &p.config.quick_terminate};
    const char* names[] = {"poll", "ack", "nak", "skip_poll", "quick_terminate"};
    for (int i = 0; i < 5 && !r.failed(); ++i) {
      if (all[i]->empty()) r.fail(std::string("flow_control.") + names[i], "must not be empty");
      for (int j = 0; j < i && !r.failed(); ++j)
        if (*all[i] == *all[j])
          r.fail(std::string("flow_control.") + names[i],
                 std::string("has the same bytes as flow_control.") + names[j]);
    }
  }
  if (const ProfileNode* regs = r.table(root, "", "registers", false)) {
    std::set<int> used;
    for (const auto& [k, v] : std::get<ProfileNode::Table>(regs->value)) {
      const auto* i = std::get_if<std::int64_t>(&v.value);
      if (i == nullptr || *i < 0 ||
          *i >= static_cast<std::int64_t>(codec::fipp::kControlRegisterWords)) {
        r.fail("registers." + k, "must be a word index 0…13 of the control block");
        break;
      }
      if (!used.insert(static_cast<int>(*i)).second) {
        r.fail("registers." + k, "word " + std::to_string(*i) + " is named twice");
        break;
      }
      p.register_words[k] = static_cast<int>(*i);
    }
  }
  if (r.failed()) return r.error();
  return p;
}

ProfileResult<SerialResultsProfile> parse_serial_results_profile(const ProfileNode& root,
                                                                 std::string_view source) {
  Reader r(source);
  SerialResultsProfile p;
  if (!root.is_table()) return ProfileError{"", std::string(source) + ": not a table"};
  r.only_keys(&root, "", {"device", "transport", "options"});
  p.device = read_device(r, root, "");
  if (!r.failed() && p.device.family != "tm262" && p.device.family != "gsi61" &&
      p.device.family != "vitalograph")
    r.fail("device.family", "\"" + p.device.family + "\" is not tm262, gsi61 or vitalograph");
  const ProfileNode* tr = r.table(root, "", "transport", true);
  const std::string kind = r.str(tr, "transport", "kind", true).value_or("serial");
  if (kind == "serial") {
    r.only_keys(tr, "transport",
                {"kind", "baud", "data_bits", "parity", "stop_bits", "flow_control",
                 "usb_vendor_id", "usb_product_id"});
    p.transport = TransportKind::serial;
    p.serial = read_serial(r, tr, "transport");
  } else if (kind == "bluetooth_spp") {
    r.only_keys(tr, "transport", {"kind", "name_regex", "address_prefix"});
    p.transport = TransportKind::bluetooth_spp;
    p.bluetooth_name_regex = r.str(tr, "transport", "name_regex", true).value_or("");
    p.bluetooth_address_prefix = r.str(tr, "transport", "address_prefix", false).value_or("");
  } else if (!r.failed()) {
    r.fail("transport.kind", "\"" + kind + "\" is not serial or bluetooth_spp");
  }
  const ProfileNode* opt = r.table(root, "", "options", false);
  r.only_keys(opt, "options", {"tm262_checksum", "gsi61_checksum"});
  if (auto v = r.str(opt, "options", "tm262_checksum", false)) {
    if (*v == "seven_bit")
      p.tm262_seven_bit_checksum = true;
    else if (*v != "full_byte")
      r.fail("options.tm262_checksum",
             "must be \"full_byte\" (sum & 0xFF) or \"seven_bit\" "
             "(sum & 0x7F)");
  }
  if (auto v = r.str(opt, "options", "gsi61_checksum", false)) {
    if (*v == "strict")
      p.gsi61_checksum = codec::gsi61::ChecksumPolicy::strict;
    else if (*v != "log_only")
      r.fail("options.gsi61_checksum", "must be \"log_only\" or \"strict\"");
  }
  if (r.failed()) return r.error();
  return p;
}

ProfileResult<GdtPartnerProfile> parse_gdt_partner_profile(const ProfileNode& root,
                                                           std::string_view source) {
  Reader r(source);
  GdtPartnerProfile p;
  if (!root.is_table()) return ProfileError{"", std::string(source) + ": not a table"};
  r.only_keys(&root, "", {"device", "transport", "gdt", "audiogram_idents"});
  p.device = read_device(r, root, "gdt");
  const ProfileNode* tr = r.table(root, "", "transport", true);
  r.only_keys(tr, "transport", {"kind", "inbox_dir", "outbox_dir"});
  if (r.str(tr, "transport", "kind", true).value_or("gdt_folder") != "gdt_folder" && !r.failed())
    r.fail("transport.kind", "a GDT partner is reached through folders: must be \"gdt_folder\"");
  p.inbox_dir = r.str(tr, "transport", "inbox_dir", true).value_or("");
  p.outbox_dir = r.str(tr, "transport", "outbox_dir", true).value_or("");
  if (!r.failed() && p.inbox_dir == p.outbox_dir)
    r.fail("transport.outbox_dir", "must differ from inbox_dir (one direction per folder, §1)");
  const ProfileNode* g = r.table(root, "", "gdt", true);
  r.only_keys(g, "gdt",
              {"station_id", "partner_id", "file_names", "write_charset", "read_charset_override",
               "decimal_comma", "result_timeout_s", "procedure"});
  p.station_gdt_id = r.str(g, "gdt", "station_id", true).value_or("");
  p.partner_gdt_id = r.str(g, "gdt", "partner_id", true).value_or("");
  for (const auto* id : {&p.station_gdt_id, &p.partner_gdt_id})
    if (!r.failed() && (id->empty() || id->size() > 8))
      r.fail(id == &p.station_gdt_id ? "gdt.station_id" : "gdt.partner_id",
             "must be 1…8 characters (GDT ids 8315/8316)");
  const std::string naming = r.str(g, "gdt", "file_names", false).value_or("fixed");
  if (naming == "counting")
    p.counting_file_names = true;
  else if (naming != "fixed" && !r.failed())
    r.fail("gdt.file_names", "must be \"fixed\" (<rcv><snd>.GDT) or \"counting\" (.000, .001 …)");
  const auto charset = [&](std::string_view key) -> std::optional<codec::Charset> {
    auto v = r.str(g, "gdt", key, false);
    if (!v) return std::nullopt;
    auto c = codec::charset_from_name(*v);
    if (!c) r.fail(join("gdt", key), "\"" + *v + "\" is not ascii, cp437, iso8859-1 or iso8859-15");
    return c;
  };
  p.write_charset = charset("write_charset").value_or(codec::Charset::cp437);
  if (!r.failed() && p.write_charset == codec::Charset::iso8859_15)
    r.fail("gdt.write_charset",
           "ISO 8859-15 has no GDT 2.1 code in field 9206; use cp437 or "
           "iso8859-1");
  p.read_charset_override = charset("read_charset_override");
  p.decimal_comma = r.boolean(g, "gdt", "decimal_comma", false).value_or(true);
  p.result_timeout =
      std::chrono::seconds(r.integer(g, "gdt", "result_timeout_s", false, 10, 86400).value_or(600));
  p.procedure = r.str(g, "gdt", "procedure", false).value_or("");
  if (const ProfileNode* ids = r.table(root, "", "audiogram_idents", false)) {
    r.only_keys(ids, "audiogram_idents", {"use_default_convention", "no_response_values", "map"});
    p.audiogram.use_default_convention =
        r.boolean(ids, "audiogram_idents", "use_default_convention", false).value_or(true);
    auto nr = r.strings(ids, "audiogram_idents", "no_response_values");
    if (!nr.empty()) p.audiogram.no_response_values = nr;
    if (const ProfileNode* map = r.table(*ids, "audiogram_idents", "map", false)) {
      for (const auto& [ident, v] : std::get<ProfileNode::Table>(map->value)) {
        const std::string path = "audiogram_idents.map." + ident;
        if (!v.is_table()) {
          r.fail(path,
                 "must be a table { ear = \"right\", transducer = \"air\", "
                 "masked = false, frequency_hz = 1000 }");
          break;
        }
        r.only_keys(&v, path, {"ear", "transducer", "masked", "frequency_hz"});
        codec::gdt::AudiogramIdent a{};
        const std::string ear = r.str(&v, path, "ear", true).value_or("");
        if (ear == "right")
          a.ear = codec::Ear::right;
        else if (ear == "left")
          a.ear = codec::Ear::left;
        else if (!r.failed())
          r.fail(path + ".ear", "must be \"right\" or \"left\"");
        const std::string tdr = r.str(&v, path, "transducer", true).value_or("");
        if (tdr == "air")
          a.transducer = codec::Transducer::air;
        else if (tdr == "bone")
          a.transducer = codec::Transducer::bone;
        else if (!r.failed())
          r.fail(path + ".transducer", "must be \"air\" or \"bone\"");
        a.masked = r.boolean(&v, path, "masked", false).value_or(false);
        a.frequency_hz =
            static_cast<int>(r.integer(&v, path, "frequency_hz", true, 100, 20000).value_or(0));
        if (r.failed()) break;
        p.audiogram.idents[ident] = a;
      }
    }
  }
  if (r.failed()) return r.error();
  return p;
}

ProfileResult<Profile> parse_profile(const ProfileNode& root, std::string_view source) {
  const ProfileNode* dev = root.get("device");
  const ProfileNode* fam = dev ? dev->get("family") : nullptr;
  const auto* family = fam ? std::get_if<std::string>(&fam->value) : nullptr;
  if (family == nullptr)
    return ProfileError{"device.family", std::string(source) +
                                             ": device.family: missing; write e.g. family = "
                                             "\"flow_stream\" or \"fipp\""};
  if (*family == "flow_stream") {
    auto r = parse_flow_stream_profile(root, source);
    if (auto* e = std::get_if<ProfileError>(&r)) return *e;
    return Profile(std::get<FlowStreamProfile>(std::move(r)));
  }
  if (*family == "fipp") {
    auto r = parse_fipp_profile(root, source);
    if (auto* e = std::get_if<ProfileError>(&r)) return *e;
    return Profile(std::get<FippProfile>(std::move(r)));
  }
  if (*family == "tm262" || *family == "gsi61" || *family == "vitalograph") {
    auto r = parse_serial_results_profile(root, source);
    if (auto* e = std::get_if<ProfileError>(&r)) return *e;
    return Profile(std::get<SerialResultsProfile>(std::move(r)));
  }
  if (*family == "gdt") {
    auto r = parse_gdt_partner_profile(root, source);
    if (auto* e = std::get_if<ProfileError>(&r)) return *e;
    return Profile(std::get<GdtPartnerProfile>(std::move(r)));
  }
  return ProfileError{"device.family",
                      std::string(source) + ": device.family: \"" + *family +
                          "\" has no profile parser (known: flow_stream, fipp, tm262, gsi61, "
                          "vitalograph, gdt)"};
}

}  // namespace odyo::profile
