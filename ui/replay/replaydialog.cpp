#include "replay/replaydialog.h"

#include "replay/jsonpath.h"
#include "replay/messagediffview.h"
#include "replay/replayresultmodel.h"
#include "replay/replayrunner.h"
#include "store/capturestore.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QTableView>
#include <QTableWidget>
#include <QTabWidget>
#include <QVBoxLayout>

#include <utility>

namespace wslens::ui {

namespace {
constexpr int kIdRole = Qt::UserRole + 1;

QString key(const char *name)
{
    return QLatin1String("replay/") % QLatin1String(name);
}

QStringList nonEmptyLines(const QPlainTextEdit *edit)
{
    QStringList out;
    const QStringList lines = edit->toPlainText().split(QLatin1Char('\n'));
    for (const QString &l : lines)
        if (!l.trimmed().isEmpty())
            out.append(l.trimmed());
    return out;
}
} // namespace

ReplayDialog::ReplayDialog(CaptureStore *store, CaptureSink *live, QWidget *parent)
    : QDialog(parent)
    , m_store(store)
    , m_live(live)
    , m_runner(std::make_unique<ReplayRunner>())
{
    setObjectName(QStringLiteral("replayDialog"));
    setWindowTitle(tr("Replay"));
    resize(980, 720);

    m_tabs = new QTabWidget(this);
    m_tabs->addTab(createSetupPage(), tr("&Setup"));
    m_tabs->addTab(createResultPage(), tr("Res&ult"));
    m_tabs->setTabEnabled(1, false);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("replayProgress"));
    m_progress->setVisible(false);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("replayStatus"));
    m_status->setWordWrap(true);
    m_run = new QPushButton(tr("&Run"), this);
    m_run->setObjectName(QStringLiteral("replayRun"));
    m_run->setDefault(true);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_cancel->setObjectName(QStringLiteral("replayCancel"));
    m_cancel->setEnabled(false);
    auto *close = new QPushButton(tr("Close"), this);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_progress, 1);
    buttons->addStretch(1);
    buttons->addWidget(m_run);
    buttons->addWidget(m_cancel);
    buttons->addWidget(close);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_status);
    layout->addLayout(buttons);

    connect(m_run, &QPushButton::clicked, this, [this] { run(); });
    connect(m_cancel, &QPushButton::clicked, this, &ReplayDialog::cancel);
    connect(close, &QPushButton::clicked, this, &ReplayDialog::reject);
    connect(m_runner.get(), &ReplayRunner::progress, this, [this](int index, int count) {
        m_progress->setRange(0, count);
        m_progress->setValue(index);
        m_status->setText(tr("Replaying connection %1 of %2…").arg(index + 1).arg(count));
    });
    connect(m_runner.get(), &ReplayRunner::finished, this, &ReplayDialog::onFinished);

    fillConnections();
    loadSettings();
    refreshHandshake();
}

ReplayDialog::~ReplayDialog()
{
    saveSettings();
    m_runner.reset(); // cancels and waits before the copy goes away
}

QWidget *ReplayDialog::createSetupPage()
{
    auto *page = new QWidget(this);
    m_connections = new QListWidget(page);
    m_connections->setObjectName(QStringLiteral("replayConnections"));
    m_captureNote = new QLabel(page);
    m_captureNote->setObjectName(QStringLiteral("replayCaptureNote"));
    m_captureNote->setWordWrap(true);

    m_target = new QLineEdit(page);
    m_target->setObjectName(QStringLiteral("replayTarget"));
    m_target->setPlaceholderText(tr("the recorded URL; or ws://host:port, wss://host:port/path"));
    m_target->setToolTip(tr("Replaces scheme, host and port of the recorded URL (and path and query when you give a path)."));

    m_headers = new QTableWidget(0, 2, page);
    m_headers->setObjectName(QStringLiteral("replayHeaders"));
    m_headers->setHorizontalHeaderLabels({tr("Header"), tr("Value")});
    m_headers->horizontalHeader()->setStretchLastSection(true);
    m_headers->verticalHeader()->setVisible(false);
    m_headers->setMinimumHeight(110);
    m_headers->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    auto *addHeader = new QPushButton(tr("Add"), page);
    auto *removeHeader = new QPushButton(tr("Remove"), page);
    auto *resetHeaders = new QPushButton(tr("Reset"), page);
    resetHeaders->setObjectName(QStringLiteral("replayResetHeaders"));
    resetHeaders->setToolTip(tr("Back to the recorded headers, Origin and subprotocols"));
    connect(resetHeaders, &QPushButton::clicked, this, [this] {
        m_handshakeFor = 0;
        refreshHandshake();
    });
    connect(addHeader, &QPushButton::clicked, this, [this] {
        const int row = m_headers->rowCount();
        m_headers->insertRow(row);
        m_headers->setItem(row, 0, new QTableWidgetItem);
        m_headers->setItem(row, 1, new QTableWidgetItem);
        m_headers->editItem(m_headers->item(row, 0));
    });
    connect(removeHeader, &QPushButton::clicked, this, [this] {
        if (m_headers->currentRow() >= 0)
            m_headers->removeRow(m_headers->currentRow());
    });
    m_dropCookies = new QCheckBox(tr("Drop cookies"), page);
    m_dropCookies->setObjectName(QStringLiteral("replayDropCookies"));
    auto *headerButtons = new QVBoxLayout;
    headerButtons->addWidget(addHeader);
    headerButtons->addWidget(removeHeader);
    headerButtons->addWidget(resetHeaders);
    headerButtons->addWidget(m_dropCookies);
    headerButtons->addStretch(1);
    auto *headerRow = new QHBoxLayout;
    headerRow->addWidget(m_headers, 1);
    headerRow->addLayout(headerButtons);

    m_origin = new QLineEdit(page);
    m_origin->setObjectName(QStringLiteral("replayOrigin"));
    m_origin->setPlaceholderText(tr("no Origin header"));
    m_subprotocols = new QLineEdit(page);
    m_subprotocols->setObjectName(QStringLiteral("replaySubprotocols"));
    m_subprotocols->setPlaceholderText(tr("none offered (e.g. chat, superchat)"));
    m_deflate = new QCheckBox(tr("Offer permessage-deflate"), page);
    m_deflate->setObjectName(QStringLiteral("replayDeflate"));
    m_insecure = new QCheckBox(tr("Ignore TLS certificate errors (wss)"), page);
    m_insecure->setObjectName(QStringLiteral("replayInsecure"));

    m_timing = new QComboBox(page);
    m_timing->setObjectName(QStringLiteral("replayTiming"));
    m_timing->addItem(tr("As fast as possible"), int(replay::Timing::Asap));
    m_timing->addItem(tr("Original timing × speed"), int(replay::Timing::Original));
    m_timing->addItem(tr("Wait for the replies"), int(replay::Timing::Reply));
    m_speed = new QDoubleSpinBox(page);
    m_speed->setObjectName(QStringLiteral("replaySpeed"));
    m_speed->setRange(0.01, 1000);
    m_speed->setValue(1.0);
    m_speed->setPrefix(tr("speed × "));
    m_replyTimeout = new QSpinBox(page);
    m_replyTimeout->setObjectName(QStringLiteral("replayReplyTimeout"));
    m_replyTimeout->setRange(50, 600000);
    m_replyTimeout->setValue(5000);
    m_replyTimeout->setSuffix(tr(" ms"));
    m_replyTimeout->setPrefix(tr("timeout "));
    m_replyTimeout->setToolTip(tr("Longest wait for the server's answers (per message with 'wait for the replies', and at the end)"));
    auto *timingRow = new QHBoxLayout;
    timingRow->addWidget(m_timing, 1);
    timingRow->addWidget(m_speed);
    timingRow->addWidget(m_replyTimeout);
    auto updateTiming = [this] {
        m_speed->setEnabled(replay::Timing(m_timing->currentData().toInt()) == replay::Timing::Original);
    };
    connect(m_timing, &QComboBox::currentIndexChanged, this, updateTiming);
    updateTiming();

    m_ignore = new QPlainTextEdit(page);
    m_ignore->setObjectName(QStringLiteral("replayIgnore"));
    m_ignore->setPlaceholderText(tr("JSON paths to ignore, one per line: $.ts  $.items[*].id"));
    m_ignore->setMaximumHeight(64);
    m_masks = new QPlainTextEdit(page);
    m_masks->setObjectName(QStringLiteral("replayMasks"));
    m_masks->setPlaceholderText(tr("Regular expressions to mask, one per line: \\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z"));
    m_masks->setMaximumHeight(64);

    auto *form = new QFormLayout;
    form->addRow(tr("Target URL:"), m_target);
    form->addRow(tr("Handshake headers:"), headerRow);
    form->addRow(tr("Origin:"), m_origin);
    form->addRow(tr("Subprotocols:"), m_subprotocols);
    form->addRow(QString(), m_deflate);
    form->addRow(QString(), m_insecure);
    form->addRow(tr("Timing:"), timingRow);
    form->addRow(tr("Ignore JSON paths:"), m_ignore);
    form->addRow(tr("Mask (regex):"), m_masks);

    auto *left = new QVBoxLayout;
    left->addWidget(new QLabel(tr("Recorded connections to replay:"), page));
    left->addWidget(m_connections, 1);
    left->addWidget(m_captureNote);
    auto *layout = new QHBoxLayout(page);
    layout->addLayout(left, 2);
    layout->addLayout(form, 3);

    connect(m_connections, &QListWidget::itemChanged, this, &ReplayDialog::refreshHandshake);
    return page;
}

QWidget *ReplayDialog::createResultPage()
{
    auto *page = new QWidget(this);
    m_summary = new QLabel(page);
    m_summary->setObjectName(QStringLiteral("replaySummary"));
    m_summary->setWordWrap(true);
    QFont bold = m_summary->font();
    bold.setBold(true);
    m_summary->setFont(bold);
    m_notes = new QPlainTextEdit(page);
    m_notes->setObjectName(QStringLiteral("replayNotes"));
    m_notes->setReadOnly(true);
    m_notes->setMaximumHeight(70);
    m_differencesOnly = new QCheckBox(tr("Only differences"), page);
    m_differencesOnly->setObjectName(QStringLiteral("replayDifferencesOnly"));

    m_model = new ReplayResultModel(this);
    m_resultView = new QTableView(page);
    m_resultView->setObjectName(QStringLiteral("replayResults"));
    m_resultView->setModel(m_model);
    m_resultView->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_resultView->setSelectionMode(QAbstractItemView::SingleSelection);
    m_resultView->setShowGrid(false);
    m_resultView->setWordWrap(false);
    m_resultView->verticalHeader()->setVisible(false);
    m_resultView->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_resultView->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    m_resultView->horizontalHeader()->setStretchLastSection(true);
    m_resultView->horizontalHeader()->resizeSection(ReplayResultModel::ConnectionColumn, 90);
    m_resultView->horizontalHeader()->resizeSection(ReplayResultModel::IndexColumn, 50);
    m_resultView->horizontalHeader()->resizeSection(ReplayResultModel::VerdictColumn, 80);
    m_resultView->horizontalHeader()->resizeSection(ReplayResultModel::ExpectedColumn, 300);
    m_diff = new MessageDiffView(page);

    auto *split = new QSplitter(Qt::Vertical, page);
    split->addWidget(m_resultView);
    split->addWidget(m_diff);
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 3);
    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_differencesOnly);
    auto *layout = new QVBoxLayout(page);
    layout->addLayout(top);
    layout->addWidget(m_notes);
    layout->addWidget(split, 1);

    connect(m_differencesOnly, &QCheckBox::toggled, this, [this](bool on) {
        m_model->setDifferencesOnly(on);
        m_diff->clear();
    });
    connect(m_resultView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ReplayDialog::onResultRowChanged);
    return page;
}

void ReplayDialog::fillConnections()
{
    const QList<quint64> checked = selectedConnections();
    m_connections->blockSignals(true);
    m_connections->clear();
    const QList<ConnectionInfo> all = m_store ? m_store->connections() : QList<ConnectionInfo>();
    for (const ConnectionInfo &c : all) {
        if (c.mode == ConnectionMode::Replay)
            continue;
        auto *item = new QListWidgetItem(QStringLiteral("#%1  %2").arg(c.id).arg(c.url), m_connections);
        item->setData(kIdRole, c.id);
        item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
        item->setCheckState(checked.isEmpty() || checked.contains(c.id) ? Qt::Checked : Qt::Unchecked);
        item->setToolTip(c.error.isEmpty() ? c.url : c.url + QLatin1Char('\n') + c.error);
    }
    m_connections->blockSignals(false);

    if (m_live)
        m_captureNote->setText(tr("Runs are captured into the live session as new connections linked to the ones they replay."));
    else if (m_adoptCopy || (m_store && m_store->isReadOnly()))
        m_captureNote->setText(tr("This session was opened from a file and is read-only: the first run copies it into a new "
                                  "capture, which the window then shows, and every run is added there as a new connection "
                                  "linked to the one it replays."));
}

void ReplayDialog::setSelectedConnections(const QList<quint64> &ids)
{
    m_connections->blockSignals(true);
    for (int i = 0; i < m_connections->count(); ++i) {
        QListWidgetItem *item = m_connections->item(i);
        item->setCheckState(ids.contains(item->data(kIdRole).toULongLong()) ? Qt::Checked : Qt::Unchecked);
    }
    m_connections->blockSignals(false);
    refreshHandshake();
}

QList<quint64> ReplayDialog::selectedConnections() const
{
    QList<quint64> ids;
    for (int i = 0; m_connections && i < m_connections->count(); ++i) {
        const QListWidgetItem *item = m_connections->item(i);
        if (item->checkState() == Qt::Checked)
            ids.append(item->data(kIdRole).toULongLong());
    }
    return ids;
}

void ReplayDialog::refreshHandshake()
{
    const QList<quint64> ids = selectedConnections();
    const quint64 first = ids.isEmpty() ? 0 : ids.constFirst();
    if (first == m_handshakeFor)
        return;
    m_handshakeFor = first;
    const ConnectionInfo info = first && m_store ? m_store->connection(first) : ConnectionInfo();
    m_shownHeaders = replay::replayHeaders(info, replay::ClientReplayOptions());
    m_headers->setRowCount(0);
    for (const auto &h : std::as_const(m_shownHeaders)) {
        const int row = m_headers->rowCount();
        m_headers->insertRow(row);
        m_headers->setItem(row, 0, new QTableWidgetItem(QString::fromLatin1(h.first)));
        m_headers->setItem(row, 1, new QTableWidgetItem(QString::fromLatin1(h.second)));
    }
    m_recordedOrigin = headerValue(info.requestHeaders, QByteArrayLiteral("Origin"));
    m_recordedSubprotocols = headerValue(info.requestHeaders, QByteArrayLiteral("Sec-WebSocket-Protocol"));
    m_origin->setText(QString::fromLatin1(m_recordedOrigin));
    m_subprotocols->setText(QString::fromLatin1(m_recordedSubprotocols));
    m_headers->setToolTip(ids.size() > 1 ? tr("Shown for connection #%1; removed and changed headers apply to every selected connection.").arg(first)
                                         : QString());
}

bool ReplayDialog::run()
{
    if (m_runner->isRunning() || !m_store)
        return false;
    auto fail = [this](const QString &message) {
        m_status->setText(message);
        m_status->setStyleSheet(QStringLiteral("color: #d93f3f"));
        return false;
    };
    m_status->setStyleSheet(QString());
    ReplayJob job;
    job.source = m_store;
    job.ids = selectedConnections();
    if (job.ids.isEmpty())
        return fail(tr("Check at least one connection to replay."));

    replay::ClientReplayOptions &o = job.options;
    const QString target = m_target->text().trimmed();
    if (!target.isEmpty()) {
        o.target = QUrl(target, QUrl::StrictMode);
        const QString scheme = o.target.scheme().toLower();
        if (!o.target.isValid() || o.target.host().isEmpty()
            || (scheme != QLatin1String("ws") && scheme != QLatin1String("wss")))
            return fail(tr("The target must be a ws:// or wss:// URL with a host, e.g. ws://127.0.0.1:8080."));
    }
    o.timing = replay::Timing(m_timing->currentData().toInt());
    o.speed = m_speed->value();
    o.replyTimeoutMs = m_replyTimeout->value();
    o.deflate = m_deflate->isChecked();
    o.ignoreSslErrors = m_insecure->isChecked();
    for (const QString &line : nonEmptyLines(m_ignore)) {
        replay::JsonPath path;
        QString error;
        if (!replay::JsonPath::parse(line, &path, &error))
            return fail(tr("Ignore path %1: %2").arg(line, error));
        o.compare.ignore.append(path);
    }
    for (const QString &line : nonEmptyLines(m_masks)) {
        const QRegularExpression re(line);
        if (!re.isValid())
            return fail(tr("Mask %1: %2").arg(line, re.errorString()));
        o.compare.masks.append(re);
    }

    HttpHeaders edited;
    for (int row = 0; row < m_headers->rowCount(); ++row) {
        const QTableWidgetItem *name = m_headers->item(row, 0);
        const QTableWidgetItem *value = m_headers->item(row, 1);
        const QByteArray n = name ? name->text().trimmed().toLatin1() : QByteArray();
        if (!n.isEmpty())
            edited.append({n, value ? value->text().trimmed().toLatin1() : QByteArray()});
    }
    job.handshake = HandshakeEdit::fromTables(m_shownHeaders, edited);
    job.handshake.dropCookies = m_dropCookies->isChecked();
    const QByteArray origin = m_origin->text().trimmed().toLatin1();
    if (origin != m_recordedOrigin)
        job.handshake.origin = origin;
    const QByteArray subprotocols = m_subprotocols->text().trimmed().toLatin1();
    if (subprotocols != m_recordedSubprotocols)
        job.handshake.subprotocols = subprotocols;

    if (m_live) {
        o.capture = m_live;
    } else if (m_adoptCopy && m_store->isReadOnly()) {
        auto copy = std::make_unique<CaptureStore>();
        if (!copy->create() && !copy->createTemporary())
            return fail(tr("Cannot create a capture for the runs: %1").arg(copy->errorString()));
        m_pendingCopy = std::move(copy);
        job.copyInto = m_pendingCopy.get();
    }
    saveSettings();
    if (!m_runner->start(job))
        return false;
    setRunning(true);
    m_progress->setRange(0, 0);
    m_status->setText(job.copyInto ? tr("Copying the session into a new capture…") : tr("Starting…"));
    return true;
}

void ReplayDialog::cancel()
{
    if (!m_runner->isRunning())
        return;
    m_runner->cancel();
    m_status->setText(tr("Cancelling…"));
}

bool ReplayDialog::isRunning() const
{
    return m_runner->isRunning();
}

void ReplayDialog::reject()
{
    if (m_runner->isRunning()) {
        cancel();
        m_closeWhenDone = true; // once the run has stopped
        return;
    }
    QDialog::reject();
}

void ReplayDialog::setRunning(bool running)
{
    m_run->setEnabled(!running);
    m_cancel->setEnabled(running);
    m_progress->setVisible(running);
    m_tabs->widget(0)->setEnabled(!running);
}

void ReplayDialog::onFinished(const ReplayOutcome &outcome)
{
    setRunning(false);
    const bool close = std::exchange(m_closeWhenDone, false);
    if (m_pendingCopy) {
        // From now on the copy is the session: replay and capture there.
        m_store = m_pendingCopy.get();
        m_live = m_store;
        QList<quint64> mapped;
        for (quint64 id : selectedConnections())
            mapped.append(outcome.copied.value(id, id));
        fillConnections();
        setSelectedConnections(mapped);
        m_handshakeFor = mapped.isEmpty() ? 0 : mapped.constFirst();
        if (m_adoptCopy)
            m_adoptCopy(std::move(m_pendingCopy));
        m_pendingCopy.reset();
        fillConnections();
    }
    if (!outcome.error.isEmpty()) {
        m_status->setText(tr("Replay failed: %1").arg(outcome.error));
        m_status->setStyleSheet(QStringLiteral("color: #d93f3f"));
        emit runFinished();
        if (close)
            QDialog::reject();
        return;
    }
    const replay::ReplayResult &r = outcome.result;
    m_model->setResult(r);
    m_diff->clear();
    const replay::CompareSummary &s = r.summary;
    QString summary = tr("Matched %1 · differing %2 · missing %3 · extra %4 (%5 s)")
                          .arg(s.matched).arg(s.differing).arg(s.missing).arg(s.extra)
                          .arg(double(r.elapsedMs) / 1000.0, 0, 'f', 1);
    if (outcome.cancelled)
        summary = tr("Cancelled. ") + summary;
    else if (r.hasErrors())
        summary = tr("Errors. ") + summary;
    else if (s.allMatched())
        summary = tr("Everything matched. ") + summary;
    m_summary->setText(summary);
    m_summary->setStyleSheet(s.allMatched() && !r.hasErrors() && !outcome.cancelled ? QStringLiteral("color: #2fa344")
                                                                                   : QStringLiteral("color: #d93f3f"));
    QStringList notes;
    for (const replay::ConnectionReplayResult &c : r.connections) {
        QString line = tr("#%1 → %2: sent %3").arg(c.recordedId).arg(c.url).arg(c.sent);
        if (c.replayId)
            line += tr(", captured as #%1").arg(c.replayId);
        if (c.replyTimeouts)
            line += tr(", %n reply timeout(s)", nullptr, c.replyTimeouts);
        if (!c.error.isEmpty())
            line += QStringLiteral(" — ") + c.error;
        else if (!c.note.isEmpty())
            line += QStringLiteral(" — ") + c.note;
        notes.append(line);
    }
    m_notes->setPlainText(notes.join(QLatin1Char('\n')));
    m_status->setText(QString());
    m_run->setText(tr("Re-&run"));
    m_tabs->setTabEnabled(1, true);
    m_tabs->setCurrentIndex(1);
    if (close) {
        emit runFinished();
        QDialog::reject();
        return;
    }
    // Show the first difference, if any.
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->message(row)->verdict != replay::Verdict::Matched || row == m_model->rowCount() - 1) {
            m_resultView->setCurrentIndex(m_model->index(row, 0));
            break;
        }
    }
    emit runFinished();
}

void ReplayDialog::onResultRowChanged()
{
    const replay::MessageResult *m = m_model->message(m_resultView->currentIndex().row());
    if (m)
        m_diff->showMessage(*m);
    else
        m_diff->clear();
}

void ReplayDialog::loadSettings()
{
    const QSettings s;
    const int timing = m_timing->findData(s.value(key("timing"), int(replay::Timing::Asap)).toInt());
    m_timing->setCurrentIndex(qMax(0, timing));
    m_speed->setValue(s.value(key("speed"), 1.0).toDouble());
    m_replyTimeout->setValue(s.value(key("replyTimeoutMs"), 5000).toInt());
    m_ignore->setPlainText(s.value(key("ignore")).toStringList().join(QLatin1Char('\n')));
    m_masks->setPlainText(s.value(key("masks")).toStringList().join(QLatin1Char('\n')));
}

void ReplayDialog::saveSettings() const
{
    QSettings s;
    s.setValue(key("timing"), m_timing->currentData().toInt());
    s.setValue(key("speed"), m_speed->value());
    s.setValue(key("replyTimeoutMs"), m_replyTimeout->value());
    s.setValue(key("ignore"), nonEmptyLines(m_ignore));
    s.setValue(key("masks"), nonEmptyLines(m_masks));
}

} // namespace wslens::ui
