FROM python:3.11-slim-bookworm

# WeasyPrint needs Pango; fonts-noto-cjk renders Chinese (fontconfig finds it for build_print_font);
# libharfbuzz-subset0 keeps CJK font subsetting fast.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk fontconfig poppler-utils \
    && rm -rf /var/lib/apt/lists/*

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app
COPY pyproject.toml ./
RUN pip install --no-cache-dir -e .
COPY . .
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic DJANGO_ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput \
    && DJANGO_DEBUG=0 DJANGO_SECRET_KEY=build DJANGO_ALLOWED_HOSTS=localhost python manage.py build_print_font

EXPOSE 8000
# gunicorn reads gunicorn.conf.py (workers: WEB_CONCURRENCY, default 2). exec: gunicorn replaces the
# shell, so that `docker stop` reaches it and it stops its workers before the container ends.
CMD ["sh", "-c", "python manage.py migrate --noinput && exec gunicorn budgetperf.wsgi --bind 0.0.0.0:8000"]
