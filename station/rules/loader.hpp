#pragma once
// Loads the directive's rule tables (config/rules/*.toml) into an odyo::evaluation::RuleSet and
// proves them: unknown keys are rejected, every error names the file, the line and the field, and
// the rows of every Ek-2 rule must partition their input space (analysis/evaluation/partition.hpp).
// The rule set records its version and a SHA-256 over the five files, so that every decision
// says which tables made it. Thread-safety: free functions, no shared state.

#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/core/result.hpp"
#include "analysis/evaluation/model.hpp"

namespace odyo::station::rules {

// The files of a rule set, in the order they are hashed.
inline constexpr const char* kRuleFiles[] = {"ruleset.toml", "ek1.toml", "ek2.toml",
                                             "work-groups.toml", "ek3.toml"};

// Reads and checks all five tables in `dir`, then the cross-references between them (Ek-3 jobs
// exist in the catalogue and are open to their health group; allowed work groups shrink from A
// to D). Errors: "rules_file" (unreadable), "rules_syntax", "rules_schema", "rule_hole",
// "rule_overlap", "rule_domain", "rules_reference".
Result<odyo::evaluation::RuleSet> load_ruleset(const std::filesystem::path& dir);

// The parts, from text (`file` is used in messages only). Each fills its part of `out`.
Result<void> parse_ruleset_header(std::string_view text, const std::string& file,
                                  odyo::evaluation::RuleSet& out);
Result<void> parse_ek1(std::string_view text, const std::string& file,
                       odyo::evaluation::RuleSet& out);
Result<void> parse_ek2(std::string_view text, const std::string& file,
                       odyo::evaluation::RuleSet& out);
Result<void> parse_work_groups(std::string_view text, const std::string& file,
                               odyo::evaluation::RuleSet& out);
Result<void> parse_ek3(std::string_view text, const std::string& file,
                       odyo::evaluation::RuleSet& out);
// Cross-checks between the tables (run by load_ruleset after the parts).
Result<void> check_references(const odyo::evaluation::RuleSet& rs);

// The job catalogue (Ek-4) from CSV with a header row naming the columns code, title_tr,
// title_en, work_group and optionally ek1_required, noisy, dusty, special_exam, heavy_load (yes/no,
// true/false, 1/0, evet/hayır). Fields may be double-quoted. Errors name the file, line and column.
Result<std::vector<odyo::evaluation::Job>> parse_jobs_csv(std::string_view text,
                                                          const std::string& file);
// A complete work-groups.toml with the given table header, health groups and jobs, and the
// special-examination citation (from the current rule set) when it is not empty.
std::string work_groups_toml(
    const odyo::evaluation::TableInfo& info,
    const std::map<odyo::evaluation::Column, std::vector<int>>& health_groups,
    const std::vector<odyo::evaluation::Job>& jobs, const std::string& special_exam_citation = {});

}  // namespace odyo::station::rules
