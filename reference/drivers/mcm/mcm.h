// reference/drivers/mcm/mcm.h: the reference MCM (miniport call manager).
//
// A CoNDIS miniport with integrated call-manager functions. From
// MiniportInitializeEx it sets its attributes and registers each configured
// AF with NdisMCmRegisterAddressFamilyEx (AF-007, OQ-01: once per AF per
// adapter). Its call-manager handlers are CmCore's, reached through the
// NdisMCm* call family (AF-009, AF-110). MiniportHaltEx notify-closes every
// open AF (AF-062, S6).
//
// Registration: NDIS_MINIPORT_CO_CHARACTERISTICS with CoCreateVc/CoDeleteVc
// NULL (AF-133) and NDIS_CO_CALL_MANAGER_OPTIONAL_HANDLERS with every member
// set, including a ProtocolCoOidRequest separate from MiniportCoOidRequest
// (AF-131, AF-134).
//
// MiniportHaltEx waits (NdisWaitEvent) for clients that pend their
// notify-close; halt_left_open() reports a halt that had to give up because
// nothing could complete the close.
#ifndef NDISCONF_REFERENCE_DRIVERS_MCM_MCM_H_
#define NDISCONF_REFERENCE_DRIVERS_MCM_MCM_H_

#include <ndis.h>

#include <string>
#include <vector>

#include "reference/drivers/common/cm_core.h"

namespace ndisconf::drivers {

struct McmConfig : CmConfig {
  McmConfig() { afs = {{CO_ADDRESS_FAMILY_TAPI_PROXY, 1, 0}}; }
  // MiniportInitializeEx's result (after registering, when SUCCESS).
  NDIS_STATUS initialize_status = NDIS_STATUS_SUCCESS;
};

class Mcm : public CmCore {
 public:
  using Config = McmConfig;

  explicit Mcm(Config config = {}, std::string name = "mcm");
  ~Mcm() override;

  NDIS_STATUS DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) override;

  NDIS_HANDLE miniport_driver_handle() const { return driver_handle_; }
  // True if a MiniportHaltEx returned while some AF on that adapter was not
  // yet closed (its wait found nothing that could complete the close).
  bool halt_left_open() const { return halt_left_open_; }

  static NDIS_MINIPORT_DRIVER_CHARACTERISTICS MakeMiniportCharacteristics();
  static NDIS_MINIPORT_CO_CHARACTERISTICS MakeMiniportCoCharacteristics();
  virtual void FillMiniportCharacteristics(NDIS_MINIPORT_DRIVER_CHARACTERISTICS* chars);
  virtual void FillMiniportCoCharacteristics(NDIS_MINIPORT_CO_CHARACTERISTICS* chars);

  virtual NDIS_STATUS OnSetOptions(NDIS_HANDLE ndis_driver_handle);
  virtual NDIS_STATUS OnInitialize(NDIS_HANDLE miniport_adapter_handle);
  virtual void OnHalt(CmPort& adapter, NDIS_HALT_ACTION action);

 protected:
  void OnPortQuiet(CmPort& port) override;

 private:
  static NDIS_STATUS SetOptionsThunk(NDIS_HANDLE, NDIS_HANDLE);
  static NDIS_STATUS InitializeThunk(NDIS_HANDLE, NDIS_HANDLE, PNDIS_MINIPORT_INIT_PARAMETERS);
  static VOID HaltThunk(NDIS_HANDLE, NDIS_HALT_ACTION);
  static NDIS_STATUS CoActivateVcThunk(NDIS_HANDLE, PCO_CALL_PARAMETERS);
  static NDIS_STATUS CoDeactivateVcThunk(NDIS_HANDLE);
  static VOID CoSendThunk(NDIS_HANDLE, PNET_BUFFER_LIST, ULONG);
  static NDIS_STATUS CoOidRequestThunk(NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST);

  Config mcm_config_;
  NDIS_HANDLE driver_handle_ = nullptr;
  bool halt_left_open_ = false;
  NDIS_EVENT halt_quiet_{};  // signalled when every AF of a halting adapter is closed
};

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_MCM_MCM_H_
