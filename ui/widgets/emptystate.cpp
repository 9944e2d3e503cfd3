#include "widgets/emptystate.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace wslens::ui {

EmptyState::EmptyState(QWidget *parent)
    : QWidget(parent)
    , m_text(new QLabel)
    , m_details(new QLabel)
    , m_start(new QPushButton(tr("Start relay")))
    , m_demo(new QPushButton(tr("Run demo")))
    , m_open(new QPushButton(tr("Open session…")))
{
    setObjectName(QStringLiteral("emptyState"));
    m_text->setObjectName(QStringLiteral("emptyStateText"));
    m_text->setTextFormat(Qt::RichText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setWordWrap(true);
    m_text->setMaximumWidth(720);
    m_text->setMinimumWidth(560);
    m_details->setObjectName(QStringLiteral("emptyStateDetails"));
    m_details->setTextFormat(Qt::RichText);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_details->setWordWrap(true);
    m_details->setMaximumWidth(720);
    m_details->setMinimumWidth(560);
    m_start->setObjectName(QStringLiteral("emptyStart"));
    m_demo->setObjectName(QStringLiteral("emptyDemo"));
    m_open->setObjectName(QStringLiteral("emptyOpen"));
    m_start->setDefault(true);

    auto *buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(m_start);
    buttons->addWidget(m_demo);
    buttons->addWidget(m_open);
    buttons->addStretch();

    // The instructions scroll when the docks leave little room.
    auto *page = new QWidget;
    auto *layout = new QVBoxLayout(page);
    layout->addStretch(1);
    layout->addWidget(m_text, 0, Qt::AlignHCenter);
    layout->addSpacing(12);
    layout->addLayout(buttons);
    layout->addSpacing(12);
    layout->addWidget(m_details, 0, Qt::AlignHCenter);
    layout->addStretch(2);
    auto *scroll = new QScrollArea(this);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidgetResizable(true);
    scroll->setWidget(page);
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    connect(m_start, &QPushButton::clicked, this, &EmptyState::startRelayRequested);
    connect(m_demo, &QPushButton::clicked, this, &EmptyState::demoRequested);
    connect(m_open, &QPushButton::clicked, this, &EmptyState::openRequested);
    rebuild();
}

void EmptyState::setProxyAddress(const QString &host, quint16 port, bool running)
{
    m_host = host;
    m_port = port;
    m_running = running;
    m_start->setVisible(!running);
    rebuild();
}

void EmptyState::setDemoAvailable(bool available, const QString &reason)
{
    m_demo->setEnabled(available);
    m_demo->setToolTip(reason);
}

QString EmptyState::instructionsText() const
{
    return m_text->text() + m_details->text();
}

void EmptyState::rebuild()
{
    const QString host = m_host.contains(QLatin1Char(':')) ? QString(QLatin1Char('[') % m_host % QLatin1Char(']')) : m_host;
    const QString proxy = QStringLiteral("http://%1:%2").arg(host).arg(m_port);
    const QString state = m_running ? tr("The relay is listening. Point a browser at wslens as its HTTP proxy:")
                                    : tr("Start the relay, then point a browser at wslens as its HTTP proxy:");
    m_text->setText(tr(
        "<h2>No WebSocket traffic captured yet</h2>"
        "<p>%1</p>"
        "<p style='font-size:large'><b>Proxy address:</b> <code>%2</code></p>")
                        .arg(state, proxy));
    m_details->setText(tr(
        "<p><b>Chromium / Chrome:</b> start it with<br>"
        "<code>chromium --proxy-server=%1 --user-data-dir=/tmp/wslens-profile</code><br>"
        "For pages on this machine add <code>--proxy-bypass-list='&lt;-loopback&gt;'</code>: "
        "Chromium never proxies localhost otherwise.</p>"
        "<p><b>Firefox:</b> Settings → General → Network Settings → <i>Manual proxy configuration</i>: "
        "HTTP Proxy <code>%2</code>, Port <code>%3</code>, and tick <i>Also use this proxy for HTTPS</i>.</p>"
        "<p><b>https:// and wss:// sites:</b> the relay shows their traffic in clear once the browser trusts "
        "the wslens CA: <i>Tools → Export CA Certificate…</i>, then import it as an authority "
        "(docs/TLS.md has the steps for Chromium, Firefox and the system store).</p>"
        "<p>Or use reverse-proxy mode (the Mode box in the toolbar) and connect your client to the relay instead of "
        "the server. <b>Run demo</b> shows captured traffic at once; <b>Open session…</b> loads a saved "
        "capture or a HAR file (you can also drop one on the window).</p>")
                        .arg(proxy, host)
                        .arg(m_port));
}

} // namespace wslens::ui
