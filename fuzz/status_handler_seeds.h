// fuzz/status_handler_seeds.h: the hand-written seeds of the status_handler
// targets in their readable source form, built record by record with
// ShProgram from the input format's tags (status_handler_input.h), so no tag
// value or operand order is spelled twice. `bazel run
// //fuzz:status_handler_seeds` writes them to corpora/status_handler/;
// //fuzz:status_handler_seeds_test checks that the committed files are
// exactly what this produces and that each does what its name says.
#ifndef NDISCONF_FUZZ_STATUS_HANDLER_SEEDS_H_
#define NDISCONF_FUZZ_STATUS_HANDLER_SEEDS_H_

#include <ndis.h>

#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/status_handler_input.h"

namespace ndisconf::fuzz {

// One status_handler input, record by record (operands as the format says).
class ShProgram {
 public:
  ShProgram& Raw(NDIS_STATUS status, const std::vector<uint8_t>& bytes);
  ShProgram& WanLineUp(uint8_t link, uint32_t speed, uint16_t window, uint8_t quality);
  ShProgram& WanLineDown(uint8_t link);
  ShProgram& WanFragment(uint8_t link);
  ShProgram& Short(ShStruct s, uint8_t size);
  ShProgram& Complete();
  ShProgram& Tapi(uint8_t line, uint8_t call, uint8_t msg_index, uint8_t p1, uint8_t p2,
                  uint8_t p3);
  ShProgram& Long(ShStruct s, uint8_t extra);
  // update: NdisLinkContext = the context written back for the slot (flags bit 0).
  ShProgram& MacLineUp(uint8_t link, bool update, uint32_t speed, uint16_t window, uint8_t quality);
  ShProgram& MacLineDown(uint8_t link);
  ShProgram& MacFragment(uint8_t link, uint8_t errors);
  ShProgram& NullBuffer(ShStruct s, uint16_t size);
  // A byte that is no tag (skipped by the decoder).
  ShProgram& UnknownTag(uint8_t tag);
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  ShProgram& Op(ShOp op);
  void U8(uint8_t v) { bytes_.push_back(v); }
  void U16(uint16_t v);
  void U32(uint32_t v);
  std::vector<uint8_t> bytes_;
};

// The index of `msg` in kTapiMessages (the TAPI record's msg operand).
uint8_t TapiMessageIndex(ULONG msg);

struct ShSeed {
  std::string name;  // the file name under corpora/status_handler/
  std::vector<uint8_t> data;
};

// Every hand-written seed, in a fixed order, names unique.
std::vector<ShSeed> StatusHandlerSeeds();

}  // namespace ndisconf::fuzz

#endif  // NDISCONF_FUZZ_STATUS_HANDLER_SEEDS_H_
