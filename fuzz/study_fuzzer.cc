// Fuzzes the study-file parser (train/study.h) with TOML text: parse_study,
// then the run expansion, run keys and study.json of what it accepts. The
// data and loss specs are not checked here (validate_study loads data and
// trains); the spec parsers have their own targets.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "fuzz/fuzz_util.h"
#include "train/study.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
  using namespace losslab;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  fuzz::expect_clean_rejection([&] {
    Study study = parse_study(text, "fuzz.toml");
    std::vector<StudyRun> runs = expand_runs(study);
    study_json(study, runs).dump();
  });
  return 0;
}
