"""Deployment files (docker-compose.yml, .env.example, pools) checked without Docker."""
