// Caches that fontconfig, cairo, Pango and GLib keep for the life of the
// process (font lists, the font map, type registrations) and free only at
// exit, if at all: not leaks of ours. Everything else LeakSanitizer finds
// still fails the tests.
extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n"
         "leak:libcairo.so\n"
         "leak:libpango-1.0.so\n"
         "leak:libpangoft2-1.0.so\n"
         "leak:libpangocairo-1.0.so\n"
         "leak:libglib-2.0.so\n"
         "leak:libgobject-2.0.so\n"
         "leak:libharfbuzz.so\n";
}
