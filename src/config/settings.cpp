// The console's settings over the configuration file (settings.hpp): JSON
// from the console turned into TOML and read by the file's own reader
// (config_internal::ApplyToml), so a value the file would refuse the console
// cannot keep either, and the same words say why.
#include "lianxin/settings.hpp"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>

#include "config/internal.hpp"

namespace lianxin {

namespace {

using nlohmann::json;

const std::vector<std::string_view> kSections{"skills",  "needs",  "appeals", "difficulty",
                                              "pairing", "visits", "scoring", "ledger"};

// `node` as JSON (the configuration holds strings, numbers, booleans,
// arrays and tables only).
json ToJson(const toml::node& node) {
  if (const toml::table* table = node.as_table()) {
    json out = json::object();
    for (const auto& [key, value] : *table) out[std::string(key.str())] = ToJson(value);
    return out;
  }
  if (const toml::array* array = node.as_array()) {
    json out = json::array();
    for (const toml::node& item : *array) out.push_back(ToJson(item));
    return out;
  }
  if (auto v = node.value_exact<std::int64_t>()) return *v;
  if (auto v = node.value_exact<double>()) return *v;
  if (auto v = node.value_exact<bool>()) return *v;
  if (auto v = node.value_exact<std::string>()) return *v;
  return nullptr;
}

// `value` added to `parent` (a toml::table under `key`, or a toml::array);
// `field` names it in a refusal.
template <typename Parent, typename... Key>
Status Add(Parent& parent, const json& value, const std::string& field, const Key&... key) {
  auto put = [&](auto&& node) {
    if constexpr (sizeof...(key) == 0) {
      parent.push_back(std::forward<decltype(node)>(node));
    } else {
      parent.insert(key..., std::forward<decltype(node)>(node));
    }
  };
  switch (value.type()) {
    case json::value_t::object: {
      toml::table table;
      for (const auto& [name, item] : value.items()) {
        LX_RETURN_IF_ERROR(Add(table, item, field + "." + name, name));
      }
      put(std::move(table));
      return Status::Ok();
    }
    case json::value_t::array: {
      toml::array array;
      for (size_t i = 0; i < value.size(); ++i) {
        LX_RETURN_IF_ERROR(Add(array, value[i], field + "[" + std::to_string(i) + "]"));
      }
      put(std::move(array));
      return Status::Ok();
    }
    case json::value_t::string:
      put(value.get<std::string>());
      return Status::Ok();
    case json::value_t::boolean:
      put(value.get<bool>());
      return Status::Ok();
    case json::value_t::number_integer:
      put(value.get<std::int64_t>());
      return Status::Ok();
    case json::value_t::number_unsigned: {
      const std::uint64_t n = value.get<std::uint64_t>();
      if (n > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
        return Status::Invalid(field + ": 数值过大 (config_range)", field);
      put(static_cast<std::int64_t>(n));
      return Status::Ok();
    }
    case json::value_t::number_float:
      put(value.get<double>());
      return Status::Ok();
    default:
      return Status::Invalid(field + ": 应为字符串、数值、是否、列表或表 (config_type)", field);
  }
}

// Every stored section's document, checked alone: a document that does not
// parse, or holds more than its own section, is a problem of that section.
struct Parsed {
  std::vector<std::pair<std::string, std::string>> sections;  // section, its TOML
  std::vector<std::pair<std::string, std::string>> problems;
};

Status CheckDocument(const StoredSetting& setting) {
  toml::table root;
  try {
    root = toml::parse(setting.toml);
  } catch (const toml::parse_error& e) {
    return Status::Internal("数据库中参数 " + setting.section + " 无法解析: " + std::string(e.description()));
  }
  for (const auto& [key, node] : root) {
    if (key.str() != setting.section)
      return Status::Internal("数据库中参数 " + setting.section + " 含有别的配置节 " +
                              std::string(key.str()));
  }
  return Status::Ok();
}

Parsed ParseStored(const std::vector<StoredSetting>& stored) {
  Parsed parsed;
  for (std::string_view section : kSections) {
    for (const StoredSetting& setting : stored) {
      if (setting.section != section || setting.toml.empty()) continue;
      Status status = CheckDocument(setting);
      if (status.ok()) {
        parsed.sections.emplace_back(setting.section, setting.toml);
      } else {
        parsed.problems.emplace_back(setting.section, status.message());
      }
    }
  }
  return parsed;
}

// Documents of distinct sections read as one.
Status ApplyDocuments(const std::vector<std::pair<std::string, std::string>>& sections, Config& config) {
  toml::table root;
  for (const std::pair<std::string, std::string>& document : sections) {
    const std::string& section = document.first;
    try {
      toml::table doc = toml::parse(document.second);
      if (toml::node* node = doc.get(section)) {
        node->visit([&](auto& concrete) { root.insert_or_assign(section, concrete); });
      }
    } catch (const toml::parse_error& e) {
      return Status::Internal("数据库中参数 " + section + " 无法解析: " + std::string(e.description()));
    }
  }
  return config_internal::ApplyToml(root, "", config);
}

// The sections together over `file`. Together first, as one document, since
// sections lean on each other (a need names skills); a section that spoils
// the whole is then found by adding them one by one, and left out.
SettingsApplied ApplyParsed(const Config& file, Parsed parsed,
                            std::vector<std::pair<std::string, std::string>>* kept_out = nullptr) {
  SettingsApplied applied{file, std::move(parsed.problems)};
  if (ApplyDocuments(parsed.sections, applied.config).ok()) {
    if (kept_out) *kept_out = parsed.sections;
    return applied;
  }
  applied.config = file;
  std::vector<std::pair<std::string, std::string>> kept;
  for (const auto& section : parsed.sections) {
    kept.push_back(section);
    Config next = file;
    Status status = ApplyDocuments(kept, next);
    if (status.ok()) {
      applied.config = std::move(next);
    } else {
      kept.pop_back();
      applied.problems.emplace_back(section.first, status.message());
    }
  }
  if (kept_out) *kept_out = std::move(kept);
  return applied;
}

// A refusal of the file's reader, its field as the request body names it:
// "pairing.contact_load" → "values.contact_load", "needs[2].label" →
// "values[2].label"; a field of another section (a need naming a skill this
// change takes away) stays "values", the message naming it.
Status AsRequestField(const Status& status, std::string_view section) {
  std::string field = status.field();
  const std::string own = std::string(section);
  if (field.starts_with(own + ".") || field.starts_with(own + "[") || field == own) {
    field = "values" + field.substr(own.size());
  } else {
    field = "values";
  }
  return Status(status.code(), status.message(), field);
}

}  // namespace

const std::vector<std::string_view>& SettableSections() { return kSections; }

bool IsSettableSection(std::string_view section) {
  return std::find(kSections.begin(), kSections.end(), section) != kSections.end();
}

bool SectionScoresHouseholds(std::string_view section) {
  return section == "needs" || section == "difficulty";
}

SettingsApplied ApplySettings(const Config& file, const std::vector<StoredSetting>& stored) {
  return ApplyParsed(file, ParseStored(stored));
}

json SectionJson(const Config& config, std::string_view section) {
  toml::table root = config_internal::ToTable(config);
  const toml::node* node = root.get(section);
  if (node == nullptr) return nullptr;
  json out = ToJson(*node);
  // The holiday file is the file's alone; the console neither shows nor sets it.
  if (section == "appeals") out.erase("holiday_file");
  return out;
}

json StoredJson(const StoredSetting& setting) {
  if (setting.toml.empty() || !CheckDocument(setting).ok()) return nullptr;
  toml::table root = toml::parse(setting.toml);
  const toml::node* node = root.get(setting.section);
  return node ? ToJson(*node) : json(nullptr);
}

Result<std::string> SettingToml(const Config& file, const std::vector<StoredSetting>& stored,
                                std::string_view section, const json& values) {
  if (!IsSettableSection(section))
    return Status::NotFound("没有可在控制台设定的参数节 " + std::string(section) + " (not_found)");
  const bool list = section == "needs" || section == "skills";
  if (list ? !values.is_array() : !values.is_object()) {
    return Status::Invalid(
        std::string("values: ") + (list ? "应为列表" : "应为对象(参数名: 值)") + " (config_type)", "values");
  }
  if (section == "appeals" && values.contains("holiday_file")) {
    return Status::Invalid("values.holiday_file: 节假日文件只能在配置文件中设定 (setting_file_only)",
                           "values.holiday_file");
  }
  // Only what differs from the file is kept.
  const json from_file = SectionJson(file, section);
  json kept = list ? json::array() : json::object();
  if (list) {
    if (values != from_file) kept = values;
  } else {
    for (const auto& [key, value] : values.items()) {
      if (!from_file.contains(key) || from_file[key] != value) kept[key] = value;
    }
  }
  std::string text;
  if (!kept.empty()) {
    toml::table root;
    LX_RETURN_IF_ERROR(Add(root, kept, "values", std::string(section)));
    std::ostringstream out;
    out << root << "\n";
    text = out.str();
  }
  // The change checked with every other section that applies now: one that
  // applies must still apply after it (a reset of the skills may not leave a
  // stored need on a skill only the console added); one that does not apply
  // already is no reason to refuse this change.
  std::vector<std::pair<std::string, std::string>> sections;
  (void)ApplyParsed(file, ParseStored(stored), &sections);
  std::erase_if(sections, [&](const auto& s) { return s.first == section; });
  if (!text.empty()) sections.emplace_back(std::string(section), text);
  Config next = file;
  Status status = ApplyDocuments(sections, next);
  if (!status.ok()) return AsRequestField(status, section);
  return text;
}

}  // namespace lianxin
