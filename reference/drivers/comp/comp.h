// reference/drivers/comp/comp.h: the reference plain CoNDIS miniport (COMP).
//
// A connection-oriented miniport without call-manager functions, for a
// stand-alone CM to bind to (medium NdisMediumAtm by default). It registers
// NDIS_MINIPORT_CO_CHARACTERISTICS with MiniportCoCreateVc / DeleteVc /
// ActivateVc / DeactivateVc / OidRequest / Send. VC creation and deletion
// never pend (AF-104); activation and deactivation follow an OpPolicy
// (PENDING completes with NdisMCoActivateVcComplete /
// NdisMCoDeactivateVcComplete from a work item). OIDs are not supported and
// sends are dropped.
#ifndef NDISCONF_REFERENCE_DRIVERS_COMP_COMP_H_
#define NDISCONF_REFERENCE_DRIVERS_COMP_COMP_H_

#include <ndis.h>

#include <memory>
#include <string>
#include <vector>

#include "reference/drivers/common/logged.h"
#include "reference/drivers/common/support.h"

namespace ndisconf::drivers {

struct CompConfig {
  NDIS_STATUS initialize_status = NDIS_STATUS_SUCCESS;
  NDIS_STATUS create_vc_status = NDIS_STATUS_SUCCESS;  // never PENDING (AF-104)
  NDIS_STATUS delete_vc_status = NDIS_STATUS_SUCCESS;
  OpPolicy activate_vc;
  OpPolicy deactivate_vc;
};

class Comp : public LoggingDriver<CompLog> {
 public:
  using Config = CompConfig;

  struct Adapter {
    Comp* owner = nullptr;
    size_t index = 0;
    NDIS_HANDLE ndis_handle = nullptr;  // MiniportAdapterHandle
    bool halted = false;
  };
  struct Vc {
    Adapter* adapter = nullptr;
    size_t index = 0;
    NDIS_HANDLE ndis_vc = nullptr;
    bool active = false;
    bool deleted = false;
    PCO_CALL_PARAMETERS params = nullptr;
  };

  explicit Comp(Config config = {}, std::string name = "comp");
  ~Comp() override;

  NDIS_STATUS DriverEntry(PDRIVER_OBJECT driver_object, PUNICODE_STRING registry_path) override;

  const Config& config() const { return config_; }
  Config& mutable_config() { return config_; }
  const std::vector<std::unique_ptr<Adapter>>& adapters() const { return adapters_; }
  const std::vector<std::unique_ptr<Vc>>& vcs() const { return vcs_; }
  // VCs that exist now (created, not deleted).
  size_t live_vcs() const;

  static NDIS_MINIPORT_DRIVER_CHARACTERISTICS MakeMiniportCharacteristics();
  static NDIS_MINIPORT_CO_CHARACTERISTICS MakeMiniportCoCharacteristics();
  virtual void FillMiniportCharacteristics(NDIS_MINIPORT_DRIVER_CHARACTERISTICS* chars);
  virtual void FillMiniportCoCharacteristics(NDIS_MINIPORT_CO_CHARACTERISTICS* chars);

  virtual NDIS_STATUS OnInitialize(NDIS_HANDLE miniport_adapter_handle);
  virtual NDIS_STATUS OnCreateVc(Adapter& adapter, NDIS_HANDLE ndis_vc, PNDIS_HANDLE vc_context);
  virtual NDIS_STATUS OnDeleteVc(Vc& vc);
  virtual NDIS_STATUS OnActivateVc(Vc& vc, PCO_CALL_PARAMETERS params);
  virtual NDIS_STATUS OnDeactivateVc(Vc& vc);

 private:
  static NDIS_STATUS SetOptionsThunk(NDIS_HANDLE, NDIS_HANDLE);
  static NDIS_STATUS InitializeThunk(NDIS_HANDLE, NDIS_HANDLE, PNDIS_MINIPORT_INIT_PARAMETERS);
  static VOID HaltThunk(NDIS_HANDLE, NDIS_HALT_ACTION);
  static NDIS_STATUS CoCreateVcThunk(NDIS_HANDLE, NDIS_HANDLE, PNDIS_HANDLE);
  static NDIS_STATUS CoDeleteVcThunk(NDIS_HANDLE);
  static NDIS_STATUS CoActivateVcThunk(NDIS_HANDLE, PCO_CALL_PARAMETERS);
  static NDIS_STATUS CoDeactivateVcThunk(NDIS_HANDLE);
  static VOID CoSendThunk(NDIS_HANDLE, PNET_BUFFER_LIST, ULONG);
  static NDIS_STATUS CoOidRequestThunk(NDIS_HANDLE, NDIS_HANDLE, PNDIS_OID_REQUEST);

  Config config_;
  NDIS_HANDLE driver_handle_ = nullptr;
  std::vector<std::unique_ptr<Adapter>> adapters_;
  std::vector<std::unique_ptr<Vc>> vcs_;
};

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_COMP_COMP_H_
