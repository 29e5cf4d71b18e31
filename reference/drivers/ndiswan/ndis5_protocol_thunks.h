// reference/drivers/ndiswan/ndis5_protocol_thunks.h: the NDIS 5.1 protocol entry
// points of a driver class, as C-callable thunks.
//
// NDIS calls a protocol through function pointers; the reference drivers
// keep their logic in C++ member functions. For a driver `D` whose
// ProtocolBindingContext is a `B*` (with a `D* owner` member), this stamps
// out the thunks and fills NDIS_PROTOCOL_CHARACTERISTICS with them. The two
// callbacks that carry no context (ProtocolBindAdapter and the WAN receive
// handler) go through the driver's instance slot (wan_slots.h).
//
// D must provide OnOpenAdapterComplete, OnCloseAdapterComplete,
// OnWanSendComplete, OnRequestComplete, OnStatus, OnStatusComplete,
// OnUnbindAdapter, OnBindAdapter and OnWanReceive with the NDIS 5 handler
// signatures (the binding passed as B&).
#ifndef NDISCONF_REFERENCE_DRIVERS_NDISWAN_NDIS5_PROTOCOL_THUNKS_H_
#define NDISCONF_REFERENCE_DRIVERS_NDISWAN_NDIS5_PROTOCOL_THUNKS_H_

#include <ndis.h>

#include <cstddef>

namespace ndisconf::drivers {

template <class D, class B, class Slots>
class Ndis5ProtocolThunks {
 public:
  // Fills the NDIS 5.1 characteristics (version, every handler) for the
  // instance in `slot`; the caller sets Name and the WAN-specific choice of
  // handlers is fixed: WAN send-complete and receive.
  static void Fill(NDIS_PROTOCOL_CHARACTERISTICS* pc, size_t slot) {
    NdisZeroMemory(pc, sizeof(*pc));
    pc->MajorNdisVersion = 5;
    pc->MinorNdisVersion = 1;
    pc->OpenAdapterCompleteHandler = &OpenAdapterComplete;
    pc->CloseAdapterCompleteHandler = &CloseAdapterComplete;
    pc->WanSendCompleteHandler = &WanSendComplete;
    pc->ResetCompleteHandler = &ResetComplete;
    pc->RequestCompleteHandler = &RequestComplete;
    pc->WanReceiveHandler = kReceive[slot];
    pc->ReceiveCompleteHandler = &ReceiveComplete;
    pc->StatusHandler = &Status;
    pc->StatusCompleteHandler = &StatusComplete;
    pc->BindAdapterHandler = kBind[slot];
    pc->UnbindAdapterHandler = &Unbind;
    pc->PnPEventHandler = &PnPEvent;
    pc->UnloadHandler = &Unload;
  }
  // The ProtocolStatus / ProtocolStatusComplete thunks Fill installs (for a
  // harness that delivers status straight to the handler, with a B* as
  // ProtocolBindingContext: fuzz/status_handler).
  static STATUS_HANDLER StatusHandler() { return &Status; }
  static STATUS_COMPLETE_HANDLER StatusCompleteHandler() { return &StatusComplete; }

 private:
  static D* From(NDIS_HANDLE ctx, B** b) {
    *b = static_cast<B*>(ctx);
    return *b != nullptr ? (*b)->owner : nullptr;
  }
  static VOID OpenAdapterComplete(NDIS_HANDLE ctx, NDIS_STATUS status, NDIS_STATUS open_error) {
    B* b;
    if (D* d = From(ctx, &b)) d->OnOpenAdapterComplete(*b, status, open_error);
  }
  static VOID CloseAdapterComplete(NDIS_HANDLE ctx, NDIS_STATUS status) {
    B* b;
    if (D* d = From(ctx, &b)) d->OnCloseAdapterComplete(*b, status);
  }
  static VOID WanSendComplete(NDIS_HANDLE ctx, PNDIS_WAN_PACKET packet, NDIS_STATUS status) {
    B* b;
    if (D* d = From(ctx, &b)) d->OnWanSendComplete(*b, packet, status);
  }
  static VOID ResetComplete(NDIS_HANDLE, NDIS_STATUS) {}
  static VOID RequestComplete(NDIS_HANDLE ctx, PNDIS_REQUEST request, NDIS_STATUS status) {
    B* b;
    if (D* d = From(ctx, &b)) d->OnRequestComplete(*b, request, status);
  }
  static VOID ReceiveComplete(NDIS_HANDLE) {}
  static VOID Status(NDIS_HANDLE ctx, NDIS_STATUS status, PVOID buffer, UINT size) {
    B* b;
    if (D* d = From(ctx, &b)) d->OnStatus(*b, status, buffer, size);
  }
  static VOID StatusComplete(NDIS_HANDLE ctx) {
    B* b;
    if (D* d = From(ctx, &b)) d->OnStatusComplete(*b);
  }
  static VOID Unbind(PNDIS_STATUS status, NDIS_HANDLE ctx, NDIS_HANDLE unbind_context) {
    B* b;
    if (D* d = From(ctx, &b)) {
      d->OnUnbindAdapter(status, *b, unbind_context);
    } else if (status != nullptr) {
      *status = NDIS_STATUS_SUCCESS;  // nothing of ours is bound there
    }
  }
  static NDIS_STATUS PnPEvent(NDIS_HANDLE, PVOID) { return NDIS_STATUS_SUCCESS; }
  static VOID Unload(VOID) {}

  template <size_t I>
  struct BindThunk {
    static VOID Fn(PNDIS_STATUS status, NDIS_HANDLE bind_context, PNDIS_STRING name, PVOID, PVOID) {
      if (D* d = Slots::Get(I)) {
        d->OnBindAdapter(status, bind_context, name);
      } else if (status != nullptr) {
        *status = NDIS_STATUS_FAILURE;
      }
    }
    static constexpr BIND_HANDLER kFn = &Fn;
  };
  template <size_t I>
  struct ReceiveThunk {
    static NDIS_STATUS Fn(NDIS_HANDLE link_context, PUCHAR packet, ULONG size) {
      D* d = Slots::Get(I);
      return d != nullptr ? d->OnWanReceive(link_context, packet, size) : NDIS_STATUS_FAILURE;
    }
    static constexpr WAN_RECEIVE_HANDLER kFn = &Fn;
  };
  static constexpr auto kBind = Slots::template Table<BIND_HANDLER, BindThunk>();
  static constexpr auto kReceive = Slots::template Table<WAN_RECEIVE_HANDLER, ReceiveThunk>();
};

}  // namespace ndisconf::drivers

#endif  // NDISCONF_REFERENCE_DRIVERS_NDISWAN_NDIS5_PROTOCOL_THUNKS_H_
