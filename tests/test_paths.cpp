// Where the tests find the source tree and the CLI binary: the one file
// compiled with those paths, so the other test files compile the same in
// any checkout and ccache reuses them across clones.
#include "test_util.hpp"

namespace lianxin::testing {

std::filesystem::path SourceDir() { return LIANXIN_SOURCE_DIR; }
std::string LianxinBinary() { return LIANXIN_BINARY; }

}  // namespace lianxin::testing
