# Writes OUT, a C++ file defining `std::string_view NAMESPACE::FUNCTION()` that
# answers the bytes of IN exactly as they are, declared in HEADER.
# A hex array rather than a raw string: no delimiter can clash with the
# content, and no compiler limit on string literals applies.
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
# 32 bytes a line (CMake's regular expressions have no {n}), then every
# byte as 0xNN.
string(REPEAT "[0-9a-f]" 64 line)
string(REGEX REPLACE "(${line})" "\\1\n" hex "${hex}")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(RELATIVE_PATH source ${CMAKE_CURRENT_LIST_DIR}/.. ${IN})
set(body "// Generated from ${source} by cmake/embed_file.cmake; do not edit.
#include \"${HEADER}\"
namespace ${NAMESPACE} {
namespace {
// A trailing 0 keeps the array non-empty for an empty file; it is not served.
const unsigned char kBytes[] = {
${bytes}0x00};
}  // namespace
std::string_view ${FUNCTION}() { return {reinterpret_cast<const char*>(kBytes), ${size}}; }
}  // namespace ${NAMESPACE}
")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
