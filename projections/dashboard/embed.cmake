# Writes the dashboard page into a C++ source file as one raw string:
#   cmake -DIN=index.html -DOUT=dashboard_html.cc -P embed.cmake
file(READ "${IN}" page)
string(FIND "${page}" ")inkoop_page\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} contains the raw string's delimiter )inkoop_page\"")
endif()
file(WRITE "${OUT}.tmp"
  "// Generated from projections/dashboard/index.html by embed.cmake.\n"
  "#include \"projections/read_api.h\"\n"
  "namespace inkoop {\n"
  "const char kDashboardHtml[] = R\"inkoop_page(${page})inkoop_page\";\n"
  "}  // namespace inkoop\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
