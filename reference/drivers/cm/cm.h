// reference/drivers/cm/cm.h: the reference stand-alone call manager.
//
// A CoNDIS protocol driver that binds to CoNDIS miniports and, on each
// binding, registers its configured AFs with NdisCmRegisterAddressFamilyEx
// (AF-001..003). Its call-manager handlers (open/close AF, SAPs, VCs, calls)
// are CmCore's; this class adds the protocol-driver lifecycle: DriverEntry,
// ProtocolSetOptions (AF-023, AF-131, AF-137), ProtocolBindAdapterEx and
// ProtocolUnbindAdapterEx, which notify-closes every open AF before closing
// the binding (AF-061, AF-121, AF-122).
//
// Written only against <ndis.h>. Every entry point runs in whatever context
// NDIS calls it (IRQL per the spec); upper-edge requests (CmCore::
// DispatchIncomingCall) must be made under this driver's actor.
#ifndef NDISCONF_REFERENCE_DRIVERS_CM_CM_H_
#define NDISCONF_REFERENCE_DRIVERS_CM_CM_H_

#include <ndis.h>

#include <string>
#include <vector>

#include "reference/drivers/common/cm_core.h"

namespace ndisconf::drivers {

struct CallManagerConfig : CmConfig {
  // Media offered to NdisOpenAdapterEx.
  std::vector<NDIS_MEDIUM> media = {NdisMediumAtm, NdisMediumCoWan, NdisMediumWan};
};

class CallManager : public CmCore {
 public:
  using Config = CallManagerConfig;

  explicit CallManager(Config config = {}, std::string name = "cm");
  ~CallManager() override;

  NDIS_STATUS DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) override;

  NDIS_HANDLE protocol_handle() const { return protocol_handle_; }
  const Config& cm_config() const { return cm_config_; }

  // The tables this driver registers. A wrapper may override the Fill*
  // functions to register modified copies.
  static NDIS_PROTOCOL_DRIVER_CHARACTERISTICS MakeProtocolCharacteristics();
  static NDIS_PROTOCOL_CO_CHARACTERISTICS MakeCoCharacteristics();
  virtual void FillProtocolCharacteristics(NDIS_PROTOCOL_DRIVER_CHARACTERISTICS* chars);
  virtual void FillCoCharacteristics(NDIS_PROTOCOL_CO_CHARACTERISTICS* chars);

  // Protocol-driver handler logic.
  virtual NDIS_STATUS OnSetOptions(NDIS_HANDLE ndis_driver_handle);
  virtual NDIS_STATUS OnBindAdapter(NDIS_HANDLE bind_context, PNDIS_BIND_PARAMETERS params);
  virtual void OnOpenAdapterComplete(CmPort& port, NDIS_STATUS status);
  virtual NDIS_STATUS OnUnbindAdapter(NDIS_HANDLE unbind_context, CmPort& port);
  virtual void OnCloseAdapterComplete(CmPort& port);

 protected:
  void OnPortQuiet(CmPort& port) override;

 private:
  // After the binding is open: register every configured AF (AF-001..003).
  void RegisterAfs(CmPort& port);
  void FinishUnbind(CmPort& port);

  static NDIS_STATUS SetOptionsThunk(NDIS_HANDLE, NDIS_HANDLE);
  static NDIS_STATUS BindAdapterThunk(NDIS_HANDLE, NDIS_HANDLE, PNDIS_BIND_PARAMETERS);
  static NDIS_STATUS UnbindAdapterThunk(NDIS_HANDLE, NDIS_HANDLE);
  static VOID OpenAdapterCompleteThunk(NDIS_HANDLE, NDIS_STATUS);
  static VOID CloseAdapterCompleteThunk(NDIS_HANDLE);
  static VOID CoAfRegisterNotifyThunk(NDIS_HANDLE, PCO_ADDRESS_FAMILY);

  Config cm_config_;
  NDIS_HANDLE protocol_handle_ = nullptr;
  std::vector<WCHAR> name_buffer_;
};

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_CM_CM_H_
