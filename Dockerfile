FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
WORKDIR /app

COPY requirements.txt .
# The runtime lock alone: every package pinned, transitive ones too, checked against its hashes.
RUN pip install --no-cache-dir --require-hashes -r requirements.txt

COPY . .
# Static files are collected into the image and served by whitenoise.
RUN SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput --verbosity 0

RUN useradd --system --uid 1000 tracker && chown -R tracker /app
USER tracker
EXPOSE 8000
