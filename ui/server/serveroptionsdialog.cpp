#include "server/serveroptionsdialog.h"

#include "endpoints/serveroptionstext.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace wslens::ui {

ServerOptionsDialog::ServerOptionsDialog(const HandshakeSettings &settings, QWidget *parent)
    : QDialog(parent)
    , m_subprotocols(new QLineEdit(this))
    , m_deflate(new QCheckBox(tr("Accept permessage-deflate (RFC 7692)"), this))
    , m_origins(new QLineEdit(this))
    , m_error(new QLabel(this))
{
    setObjectName(QStringLiteral("serverOptionsDialog"));
    setWindowTitle(tr("Server Options"));
    m_subprotocols->setObjectName(QStringLiteral("serverSubprotocols"));
    m_deflate->setObjectName(QStringLiteral("serverDeflate"));
    m_origins->setObjectName(QStringLiteral("serverOrigins"));
    m_error->setObjectName(QStringLiteral("serverOptionsError"));

    m_subprotocols->setText(settings.subprotocols.join(QStringLiteral(", ")));
    m_subprotocols->setPlaceholderText(tr("none, e.g. chat, v2.chat"));
    m_subprotocols->setToolTip(tr("Subprotocols the server accepts (Sec-WebSocket-Protocol), separated by commas, "
                                  "in preference order: it picks the first one the client also offers. "
                                  "Empty: it never picks one. Like `wslens serve --subprotocol`."));
    m_deflate->setChecked(settings.deflate);
    m_deflate->setToolTip(tr("On: a client that offers permessage-deflate gets compressed messages. "
                             "Off: offers are ignored (like `wslens serve --no-deflate`)."));
    m_origins->setText(settings.origins.join(QStringLiteral(", ")));
    m_origins->setPlaceholderText(tr("any, e.g. https://app.example, http://localhost:3000"));
    m_origins->setToolTip(tr("Browsers' Origin values the server accepts, separated by commas "
                             "(scheme://host[:port]); others get 403 Forbidden. Empty: any Origin. "
                             "Clients that send no Origin (not browsers) are always accepted. "
                             "Like `wslens serve --allow-origin`."));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_error->hide();

    auto *form = new QFormLayout;
    form->addRow(tr("Subprotocols"), m_subprotocols);
    form->addRow(tr("Compression"), m_deflate);
    form->addRow(tr("Allowed Origins"), m_origins);

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel
                                             | QDialogButtonBox::RestoreDefaults,
                                         this);
    buttons->button(QDialogButtonBox::RestoreDefaults)
        ->setToolTip(tr("No subprotocol, permessage-deflate on, any Origin"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ServerOptionsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ServerOptionsDialog::reject);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this,
            &ServerOptionsDialog::restoreDefaults);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    setMinimumWidth(fontMetrics().averageCharWidth() * 70);
}

HandshakeSettings ServerOptionsDialog::settings() const
{
    HandshakeSettings s;
    s.subprotocols = endpoints::splitOptionList(m_subprotocols->text());
    s.deflate = m_deflate->isChecked();
    s.origins = endpoints::splitOptionList(m_origins->text());
    return s;
}

void ServerOptionsDialog::accept()
{
    const HandshakeSettings s = settings();
    QString error;
    QList<QByteArray> checked;
    if (!endpoints::parseSubprotocols(s.subprotocols, &checked, &error)) {
        m_error->setText(tr("Subprotocols: %1.").arg(error));
        m_error->show();
        m_subprotocols->setFocus();
        return;
    }
    if (!endpoints::parseOrigins(s.origins, &checked, &error)) {
        m_error->setText(tr("Allowed Origins: %1.").arg(error));
        m_error->show();
        m_origins->setFocus();
        return;
    }
    m_error->hide();
    QDialog::accept();
}

void ServerOptionsDialog::restoreDefaults()
{
    const HandshakeSettings defaults;
    m_subprotocols->setText(defaults.subprotocols.join(QStringLiteral(", ")));
    m_deflate->setChecked(defaults.deflate);
    m_origins->setText(defaults.origins.join(QStringLiteral(", ")));
    m_error->hide();
}

} // namespace wslens::ui
