#include "widgets/trafficchart.h"

#include "detail/formatting.h"

#include <QPainter>
#include <QPainterPath>
#include <QTimer>

#include <cmath>

namespace wslens::ui {

TrafficChart::TrafficChart(QWidget *parent)
    : QWidget(parent)
{
    setObjectName(QStringLiteral("trafficChart"));
    setAttribute(Qt::WA_OpaquePaintEvent, false);
}

void TrafficChart::setSource(CaptureSource *source)
{
    if (m_source)
        disconnect(m_source, nullptr, this, nullptr);
    m_source = source;
    if (source) {
        connect(source, &CaptureSource::framesAppended, this, &TrafficChart::add);
        connect(source, &CaptureSource::reset, this, &TrafficChart::reload);
    }
    reload();
}

void TrafficChart::setConnections(const QSet<quint64> &ids)
{
    m_selected = ids;
    update();
}

void TrafficChart::setWindowSeconds(int seconds)
{
    m_window = qMax(5, seconds);
    update();
}

void TrafficChart::reload()
{
    m_byConnection.clear();
    m_all.clear();
    if (m_source)
        add(0, m_source->frameCount());
    update();
}

void TrafficChart::add(qsizetype first, qsizetype count)
{
    if (!m_source)
        return;
    for (qsizetype i = first; i < first + count; ++i) {
        const FrameFacts s = m_source->summary(i);
        const qint64 second = s.timestampUs / 1000000;
        const bool message = s.hasMessage || (s.fin && (s.opcode == Opcode::Text || s.opcode == Opcode::Binary));
        Bucket &a = m_all[second];
        Bucket &c = m_byConnection[s.connectionId][second];
        if (message) {
            ++a.messages;
            ++c.messages;
        }
        a.bytes += s.payloadLength;
        c.bytes += s.payloadLength;
    }
    if (!m_repaintQueued) { // at most a few repaints a second
        m_repaintQueued = true;
        QTimer::singleShot(200, this, [this] {
            m_repaintQueued = false;
            update();
        });
    }
}

QMap<qint64, TrafficChart::Bucket> TrafficChart::series() const
{
    if (m_selected.isEmpty())
        return m_all;
    QMap<qint64, Bucket> out;
    for (quint64 id : m_selected) {
        const auto it = m_byConnection.constFind(id);
        if (it == m_byConnection.constEnd())
            continue;
        for (auto b = it->constBegin(); b != it->constEnd(); ++b) {
            Bucket &o = out[b.key()];
            o.messages += b->messages;
            o.bytes += b->bytes;
        }
    }
    return out;
}

static double niceCeil(double v)
{
    if (v <= 0)
        return 1;
    const double p = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= v)
            return m * p;
    return 10 * p;
}

void TrafficChart::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    p.fillRect(rect(), pal.base());
    const QColor msgColor(0x3d, 0x8b, 0xfd);
    const QColor byteColor(0xe0, 0x8a, 0x1e);
    const QFontMetrics fm(font());
    const int left = fm.horizontalAdvance(QStringLiteral("00000")) + 12;
    const int right = fm.horizontalAdvance(QStringLiteral("000.0 MiB")) + 12;
    const QRect plot = rect().adjusted(left, fm.height() + 8, -right, -fm.height() - 8);
    if (plot.width() < 20 || plot.height() < 20)
        return;

    const QMap<qint64, Bucket> data = series();
    p.setPen(pal.color(QPalette::Text));
    p.drawText(QRect(left, 2, width() - left - right, fm.height() + 4), Qt::AlignLeft | Qt::AlignVCenter,
               m_selected.isEmpty() ? tr("All connections") : tr("%n selected connection(s)", nullptr, int(m_selected.size())));
    p.setPen(msgColor);
    p.drawText(QRect(0, 2, width() - right, fm.height() + 4), Qt::AlignRight | Qt::AlignVCenter, tr("■ messages/s"));
    p.setPen(byteColor);
    p.drawText(QRect(0, 2, width() - 4, fm.height() + 4), Qt::AlignRight | Qt::AlignVCenter, tr("■ bytes/s"));

    QColor grid = pal.color(QPalette::Text);
    grid.setAlpha(40);
    p.setPen(grid);
    for (int i = 0; i <= 4; ++i) {
        const int y = plot.bottom() - plot.height() * i / 4;
        p.drawLine(plot.left(), y, plot.right(), y);
    }
    if (data.isEmpty()) {
        p.setPen(pal.color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter, tr("No traffic yet"));
        return;
    }
    // Show the most recent m_window seconds, or less when the capture is shorter.
    const qint64 last = data.lastKey();
    const int window = int(qBound(qint64(10), qint64(last - data.firstKey() + 3), qint64(m_window)));
    const qint64 first = last - window + 1;
    double maxMsg = 0, maxBytes = 0;
    for (auto it = data.lowerBound(first); it != data.constEnd(); ++it) {
        maxMsg = qMax(maxMsg, double(it->messages));
        maxBytes = qMax(maxBytes, double(it->bytes));
    }
    maxMsg = niceCeil(maxMsg);
    maxBytes = niceCeil(maxBytes);
    const double step = double(plot.width()) / window;

    // messages/s as bars, bytes/s as a line
    QColor bar = msgColor;
    bar.setAlpha(150);
    for (auto it = data.lowerBound(first); it != data.constEnd(); ++it) {
        const double x = plot.left() + (it.key() - first) * step;
        const double h = plot.height() * double(it->messages) / maxMsg;
        p.fillRect(QRectF(x + step * 0.1, plot.bottom() - h, qMax(1.0, step * 0.8), h), bar);
    }
    QPainterPath path;
    bool started = false;
    for (qint64 s = first; s <= last; ++s) {
        const auto it = data.constFind(s);
        const double v = it == data.constEnd() ? 0 : double(it->bytes);
        const QPointF pt(plot.left() + (s - first + 0.5) * step, plot.bottom() - plot.height() * v / maxBytes);
        if (!started) {
            path.moveTo(pt);
            started = true;
        } else {
            path.lineTo(pt);
        }
    }
    p.setPen(QPen(byteColor, 2));
    p.drawPath(path);

    p.setPen(pal.color(QPalette::Text));
    p.drawText(QRect(0, plot.top() - fm.height() / 2, left - 6, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
               QString::number(qint64(maxMsg)));
    p.drawText(QRect(0, plot.bottom() - fm.height() / 2, left - 6, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
               QStringLiteral("0"));
    p.drawText(QRect(plot.right() + 6, plot.top() - fm.height() / 2, right, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
               fmt::bytes(qint64(maxBytes)));
    p.drawText(QRect(plot.left(), plot.bottom() + 4, plot.width(), fm.height()), Qt::AlignLeft,
               tr("−%1 s").arg(window));
    p.drawText(QRect(plot.left(), plot.bottom() + 4, plot.width(), fm.height()), Qt::AlignRight, tr("now"));
}

} // namespace wslens::ui
