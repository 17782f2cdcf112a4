// inkoop-schema-baseline: prints the FileDescriptorSet of inkoop/v1/*.proto
// as compiled into it, in text form: the new baseline of the compatibility
// gate (tools/schema/compatibility.h) when a change is meant to be accepted.
#include <iostream>
#include <string>

#include "google/protobuf/text_format.h"
#include "tools/schema/compatibility.h"

int main() {
  std::string text;
  if (!google::protobuf::TextFormat::PrintToString(inkoop::CurrentSchema(), &text)) {
    std::cerr << "inkoop-schema-baseline: the descriptors do not print\n";
    return 1;
  }
  std::cout << "# The schema baseline of the compatibility gate (tools/schema/compatibility.h).\n"
               "# Regenerate only to accept a change: build/tools/inkoop-schema-baseline > "
               "proto/baseline/inkoop-v1.txtpb\n"
            << text;
  return 0;
}
