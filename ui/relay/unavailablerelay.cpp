// The adapter used while this build has no relay engine (core/relay).
#include "relay/relaycontrol.h"

namespace wslens::ui {

namespace {

class UnavailableRelayControl final : public RelayControl
{
public:
    using RelayControl::RelayControl;
    bool isAvailable() const override { return false; }
    QString unavailableReason() const override { return tr("This build has no relay engine yet."); }
    void start(const RelaySettings &, CaptureSink *) override
    {
        setState(State::Failed, 0, unavailableReason());
    }
    void stop() override { setState(State::Stopped); }
};

} // namespace

RelayControl *createRelayControl(QObject *parent)
{
    return new UnavailableRelayControl(parent);
}

} // namespace wslens::ui
