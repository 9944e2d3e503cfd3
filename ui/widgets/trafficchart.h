#pragma once

#include "data/capturesource.h"

#include <QHash>
#include <QMap>
#include <QPointer>
#include <QSet>
#include <QWidget>

namespace wslens::ui {

// Messages per second and bytes per second over time, for the selected
// connections or all, drawn with QPainter. Fed incrementally from the
// source's batched appends (one bucket per second of capture time).
class TrafficChart : public QWidget
{
    Q_OBJECT
public:
    struct Bucket { quint64 messages = 0; quint64 bytes = 0; };

    explicit TrafficChart(QWidget *parent = nullptr);

    void setSource(CaptureSource *source);
    void setConnections(const QSet<quint64> &ids); // empty: all
    // Seconds shown (the most recent ones).
    void setWindowSeconds(int seconds);

    // The series being drawn: second (epoch) -> bucket.
    QMap<qint64, Bucket> series() const;

    QSize sizeHint() const override { return {600, 160}; }
    QSize minimumSizeHint() const override { return {200, 90}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void reload();
    void add(qsizetype first, qsizetype count);

    QPointer<CaptureSource> m_source;
    QHash<quint64, QMap<qint64, Bucket>> m_byConnection;
    QMap<qint64, Bucket> m_all;
    QSet<quint64> m_selected;
    int m_window = 120;
    bool m_repaintQueued = false;
};

} // namespace wslens::ui
