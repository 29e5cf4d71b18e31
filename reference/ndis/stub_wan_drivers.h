// stub_wan_drivers.h: scripted test-only NDIS 5.1 drivers for the model's
// own tests of the legacy WAN path: a miniport (WAN by default) and a
// protocol (NDISWAN-like: it writes an NdisLinkContext into an initial
// line-up). Both register through the real ndis5.h API.
//
// NDIS 5 gives MiniportInitialize and ProtocolBindAdapter no driver context,
// so the static callbacks find their stub by the actor NDIS is calling
// (Boundary::CurrentActor() inside a kUp crossing); every later context NDIS
// passes back points at a record here.
//
// Not the reference drivers (reference/drivers/wmp, ndiswan, wanproto).
#ifndef NDISCONF_NDIS_STUB_WAN_DRIVERS_H_
#define NDISCONF_NDIS_STUB_WAN_DRIVERS_H_

#include <ndis.h>

#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "reference/boundary/boundary.h"
#include "reference/ndis/model.h"

namespace ndisconf::ndis::testing {

class StubMiniport5;
class StubProtocol5;

// Every stub of the run, by actor (test-only registry).
inline std::map<ActorId, void*>& StubRegistry() {
  static std::map<ActorId, void*> registry;
  return registry;
}
template <typename T>
T* StubOfCurrentActor() {
  auto it = StubRegistry().find(Boundary::Get().CurrentActor());
  return it == StubRegistry().end() ? nullptr : static_cast<T*>(it->second);
}

struct Adapter5Rec {
  StubMiniport5* self = nullptr;
  NDIS_HANDLE handle = nullptr;  // MiniportAdapterHandle
  NDIS_MINIPORT_INTERRUPT interrupt{};
  bool interrupt_registered = false;
};

class StubMiniport5 {
 public:
  StubMiniport5(Model& m, std::string n) : model(m), name(std::move(n)) {
    chars.MajorNdisVersion = 5;
    chars.MinorNdisVersion = 1;
    chars.Reserved = NDIS_USE_WAN_WRAPPER;
    chars.HaltHandler = [](NDIS_HANDLE ctx) {
      auto* a = static_cast<Adapter5Rec*>(ctx);
      StubMiniport5* s = a->self;
      ++s->halts;
      if (s->on_halt) s->on_halt(*a);
      if (a->interrupt_registered && s->deregister_in_halt) {
        NdisMDeregisterInterrupt(&a->interrupt);
        a->interrupt_registered = false;
      }
    };
    chars.InitializeHandler = [](PNDIS_STATUS, PUINT selected, PNDIS_MEDIUM media, UINT n,
                                 NDIS_HANDLE handle, NDIS_HANDLE) -> NDIS_STATUS {
      StubMiniport5* s = StubOfCurrentActor<StubMiniport5>();
      if (s == nullptr) return NDIS_STATUS_FAILURE;
      UINT i = 0;
      while (i < n && media[i] != s->medium) ++i;
      if (i == n) return NDIS_STATUS_UNSUPPORTED_MEDIA;
      *selected = i;
      s->adapters.emplace_back();
      Adapter5Rec& a = s->adapters.back();
      a.self = s;
      a.handle = handle;
      NdisMSetAttributesEx(handle, &a, 0, s->deserialized ? NDIS_ATTRIBUTE_DESERIALIZE : 0,
                           NdisInterfaceInternal);
      if (s->use_interrupt) {
        s->register_interrupt_status =
            NdisMRegisterInterrupt(&a.interrupt, handle, 1, 1, TRUE, FALSE, NdisInterruptLatched);
        a.interrupt_registered = s->register_interrupt_status == NDIS_STATUS_SUCCESS;
      }
      if (s->on_initialize) s->on_initialize(a);
      return s->initialize_returns;
    };
    chars.QueryInformationHandler = [](NDIS_HANDLE ctx, NDIS_OID oid, PVOID buf, ULONG len,
                                       PULONG written, PULONG needed) -> NDIS_STATUS {
      auto* a = static_cast<Adapter5Rec*>(ctx);
      StubMiniport5* s = a->self;
      s->queries.push_back(oid);
      s->query_irql.push_back(NdisGetCurrentIrql());
      if (s->on_query) return s->on_query(*a, oid, buf, len, written, needed);
      *written = 0;
      *needed = 0;
      return s->query_status;
    };
    chars.SetInformationHandler = [](NDIS_HANDLE ctx, NDIS_OID oid, PVOID, ULONG, PULONG read,
                                     PULONG needed) -> NDIS_STATUS {
      auto* a = static_cast<Adapter5Rec*>(ctx);
      a->self->sets.push_back(oid);
      *read = 0;
      *needed = 0;
      return a->self->set_status;
    };
    chars.WanSendHandler = [](NDIS_HANDLE ctx, NDIS_HANDLE link,
                              PNDIS_WAN_PACKET packet) -> NDIS_STATUS {
      auto* a = static_cast<Adapter5Rec*>(ctx);
      a->self->sent.push_back({link, packet});
      if (a->self->on_send) return a->self->on_send(*a, link, packet);
      return a->self->send_status;
    };
    chars.ISRHandler = [](PBOOLEAN recognized, PBOOLEAN queue, NDIS_HANDLE ctx) {
      auto* a = static_cast<Adapter5Rec*>(ctx);
      StubMiniport5* s = a->self;
      ++s->isrs;
      s->isr_irql = NdisGetCurrentIrql();
      if (s->on_isr) s->on_isr(*a);
      *recognized = s->isr_recognizes ? TRUE : FALSE;
      *queue = s->isr_queues_dpc ? TRUE : FALSE;
    };
    chars.HandleInterruptHandler = [](NDIS_HANDLE ctx) {
      auto* a = static_cast<Adapter5Rec*>(ctx);
      StubMiniport5* s = a->self;
      ++s->dpcs;
      s->dpc_irql = NdisGetCurrentIrql();
      if (s->on_dpc) s->on_dpc(*a);
    };
  }
  ~StubMiniport5() { StubRegistry().erase(actor); }

  // LoadDriver: NdisMInitializeWrapper + NdisMRegisterMiniport.
  ActorId Load() {
    actor = model.LoadDriver(name, [this](PDRIVER_OBJECT, PUNICODE_STRING) {
      StubRegistry()[Boundary::Get().CurrentActor()] = this;
      NdisMInitializeWrapper(&wrapper, nullptr, nullptr, nullptr);
      register_status = NdisMRegisterMiniport(wrapper, &chars, length);
      return register_status;
    });
    return actor;
  }
  AdapterId Add(std::string adapter_name, NDIS_MEDIUM m = NdisMediumWan) {
    return model.AddAdapter(actor, std::move(adapter_name), m, &init_status);
  }
  Adapter5Rec& adapter(size_t i = 0) { return adapters.at(i); }

  Model& model;
  std::string name;
  ActorId actor = kNoActor;
  NDIS_MINIPORT_CHARACTERISTICS chars{};
  UINT length = sizeof(NDIS_MINIPORT_CHARACTERISTICS);
  NDIS_HANDLE wrapper = nullptr;
  NDIS_STATUS register_status = NDIS_STATUS_FAILURE;
  NDIS_STATUS init_status = NDIS_STATUS_FAILURE;
  NDIS_STATUS register_interrupt_status = NDIS_STATUS_FAILURE;

  // Behaviour.
  NDIS_MEDIUM medium = NdisMediumWan;  // the medium MiniportInitialize looks for
  bool deserialized = false;
  bool use_interrupt = false;
  bool deregister_in_halt = true;
  NDIS_STATUS initialize_returns = NDIS_STATUS_SUCCESS;
  NDIS_STATUS query_status = NDIS_STATUS_SUCCESS;
  NDIS_STATUS set_status = NDIS_STATUS_SUCCESS;
  NDIS_STATUS send_status = NDIS_STATUS_SUCCESS;
  bool isr_recognizes = true;
  bool isr_queues_dpc = true;
  std::function<void(Adapter5Rec&)> on_initialize, on_halt, on_isr, on_dpc;
  std::function<NDIS_STATUS(Adapter5Rec&, NDIS_OID, PVOID, ULONG, PULONG, PULONG)> on_query;
  std::function<NDIS_STATUS(Adapter5Rec&, NDIS_HANDLE, PNDIS_WAN_PACKET)> on_send;

  // Observations.
  std::deque<Adapter5Rec> adapters;
  std::vector<NDIS_OID> queries, sets;
  std::vector<KIRQL> query_irql;
  std::vector<std::pair<NDIS_HANDLE, PNDIS_WAN_PACKET>> sent;
  int halts = 0, isrs = 0, dpcs = 0;
  KIRQL isr_irql = 0, dpc_irql = 0;
};

struct Bind5Rec;
// A link this protocol knows: its NdisLinkContext is the record's address.
struct LinkRec {
  Bind5Rec* binding = nullptr;
  NDIS_HANDLE link_handle = nullptr;  // the miniport's NdisLinkHandle
  int receives = 0;
};

struct StatusSeen {
  NDIS_STATUS status;
  PVOID buffer;
  UINT size;
};

struct Bind5Rec {
  StubProtocol5* self = nullptr;
  NDIS_HANDLE binding = nullptr;
  NDIS_HANDLE bind_ctx = nullptr;
  NDIS_HANDLE unbind_ctx = nullptr;
  PNDIS_STRING device_name = nullptr;
  NDIS_STATUS open_status = NDIS_STATUS_PENDING;
  UINT selected = ~UINT{0};
  std::vector<StatusSeen> statuses;
  int status_completes = 0;
  std::vector<std::pair<PNDIS_REQUEST, NDIS_STATUS>> request_completes;
  std::vector<std::pair<PNDIS_WAN_PACKET, NDIS_STATUS>> send_completes;
  int receive_completes = 0;
};

class StubProtocol5 {
 public:
  StubProtocol5(Model& m, std::string n) : model(m), name(std::move(n)) {
    chars.MajorNdisVersion = 5;
    chars.MinorNdisVersion = 1;
    chars.OpenAdapterCompleteHandler = [](NDIS_HANDLE, NDIS_STATUS, NDIS_STATUS) {};
    chars.CloseAdapterCompleteHandler = [](NDIS_HANDLE, NDIS_STATUS) {};
    chars.WanSendCompleteHandler = [](NDIS_HANDLE ctx, PNDIS_WAN_PACKET p, NDIS_STATUS s) {
      static_cast<Bind5Rec*>(ctx)->send_completes.push_back({p, s});
    };
    chars.RequestCompleteHandler = [](NDIS_HANDLE ctx, PNDIS_REQUEST r, NDIS_STATUS s) {
      auto* b = static_cast<Bind5Rec*>(ctx);
      b->request_completes.push_back({r, s});
      if (b->self->on_request_complete) b->self->on_request_complete(*b, r, s);
    };
    chars.WanReceiveHandler = [](NDIS_HANDLE link, PUCHAR, ULONG) -> NDIS_STATUS {
      auto* l = static_cast<LinkRec*>(link);
      if (l == nullptr) return NDIS_STATUS_NOT_ACCEPTED;
      ++l->receives;
      return NDIS_STATUS_SUCCESS;
    };
    chars.ReceiveCompleteHandler = [](NDIS_HANDLE ctx) {
      ++static_cast<Bind5Rec*>(ctx)->receive_completes;
    };
    chars.StatusHandler = [](NDIS_HANDLE ctx, NDIS_STATUS status, PVOID buffer, UINT size) {
      auto* b = static_cast<Bind5Rec*>(ctx);
      StubProtocol5* s = b->self;
      b->statuses.push_back({status, buffer, size});
      // NDISWAN-like: a unique NdisLinkContext for an initial line-up (WAN-024).
      if (s->write_link_context && status == NDIS_STATUS_WAN_LINE_UP && buffer != nullptr &&
          size >= sizeof(NDIS_MAC_LINE_UP)) {
        auto* up = static_cast<NDIS_MAC_LINE_UP*>(buffer);
        if (up->NdisLinkContext == nullptr) {
          s->links.push_back(LinkRec{b, up->NdisLinkHandle, 0});
          up->NdisLinkContext = &s->links.back();
        }
      }
      if (s->on_status) s->on_status(*b, status, buffer, size);
    };
    chars.StatusCompleteHandler = [](NDIS_HANDLE ctx) {
      ++static_cast<Bind5Rec*>(ctx)->status_completes;
    };
    chars.BindAdapterHandler = [](PNDIS_STATUS status, NDIS_HANDLE bind_ctx, PNDIS_STRING device,
                                  PVOID, PVOID) {
      StubProtocol5* s = StubOfCurrentActor<StubProtocol5>();
      if (s == nullptr) {
        *status = NDIS_STATUS_FAILURE;
        return;
      }
      s->binds.emplace_back();
      Bind5Rec& b = s->binds.back();
      b.self = s;
      b.bind_ctx = bind_ctx;
      b.device_name = device;
      NDIS_STATUS open_error = NDIS_STATUS_SUCCESS;
      NdisOpenAdapter(&b.open_status, &open_error, &b.binding, &b.selected, s->media.data(),
                      static_cast<UINT>(s->media.size()), s->handle, &b, device, 0, nullptr);
      if (b.open_status != NDIS_STATUS_SUCCESS) {
        *status = b.open_status;
        return;
      }
      *status = s->bind_returns;
    };
    chars.UnbindAdapterHandler = [](PNDIS_STATUS status, NDIS_HANDLE ctx, NDIS_HANDLE unbind_ctx) {
      auto* b = static_cast<Bind5Rec*>(ctx);
      b->unbind_ctx = unbind_ctx;
      if (b->self->unbind_pends) {
        *status = NDIS_STATUS_PENDING;
        return;
      }
      NdisCloseAdapter(status, b->binding);
    };
  }
  ~StubProtocol5() { StubRegistry().erase(actor); }

  ActorId Load() {
    actor = model.LoadDriver(name, [this](PDRIVER_OBJECT, PUNICODE_STRING) {
      StubRegistry()[Boundary::Get().CurrentActor()] = this;
      NdisRegisterProtocol(&register_status, &handle, &chars, length);
      return register_status;
    });
    return actor;
  }
  Bind5Rec& bind(size_t i = 0) { return binds.at(i); }

  Model& model;
  std::string name;
  ActorId actor = kNoActor;
  NDIS_PROTOCOL_CHARACTERISTICS chars{};
  UINT length = sizeof(NDIS_PROTOCOL_CHARACTERISTICS);
  NDIS_HANDLE handle = nullptr;
  NDIS_STATUS register_status = NDIS_STATUS_FAILURE;

  // Behaviour.
  std::vector<NDIS_MEDIUM> media{NdisMediumWan};
  NDIS_STATUS bind_returns = NDIS_STATUS_SUCCESS;  // after a successful open
  bool unbind_pends = false;
  bool write_link_context = true;
  std::function<void(Bind5Rec&, NDIS_STATUS, PVOID, UINT)> on_status;
  std::function<void(Bind5Rec&, PNDIS_REQUEST, NDIS_STATUS)> on_request_complete;

  // Observations.
  std::deque<Bind5Rec> binds;
  std::deque<LinkRec> links;
};

}  // namespace ndisconf::ndis::testing

#endif  // NDISCONF_NDIS_STUB_WAN_DRIVERS_H_
